using ClaudeOrchestration.Workflows;

namespace ClaudeOrchestration.Workflows.Tests;

public sealed class PackageTests
{
    [Fact]
    public void TelemetryName_IsThePackageName() =>
        Assert.Equal(WorkflowsPackage.TelemetryName, typeof(WorkflowsPackage).Assembly.GetName().Name);
}
