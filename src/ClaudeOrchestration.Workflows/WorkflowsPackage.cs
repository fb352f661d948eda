namespace ClaudeOrchestration.Workflows;

/// <summary>Names shared by the workflows package.</summary>
public static class WorkflowsPackage
{
    /// <summary>The name of the package's ActivitySource and Meter.</summary>
    public const string TelemetryName = "ClaudeOrchestration.Workflows";
}
