using ClaudeOrchestration.Cli;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Core.Tests.Client;
using ClaudeOrchestration.Delegation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Core.Tests.DependencyInjection;

public sealed class AddClaudeOrchestrationTests
{
    [Fact]
    public async Task AddClaudeOrchestration_ResolvesClientDelegatorAndHealthyCheck()
    {
        using var cli = FakeCli.Create("exit 0");
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddClaudeOrchestration(o => o.CliPath = cli.Path);
        services.AddClaudeOrchestration(); // idempotent

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Same(services, builder.Services);
        Assert.Same(provider.GetRequiredService<ClaudeClient>(), provider.GetRequiredService<IClaudeClient>());
        Assert.IsType<ClaudeTaskDelegator>(provider.GetRequiredService<IClaudeTaskDelegator>());
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        var entry = Assert.Single(report.Entries);
        Assert.Equal(ClaudeCliHealthCheck.Name, entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal("2.1.330", entry.Value.Data["version"]);
    }

    [Fact]
    public async Task HealthCheck_MissingCli_IsUnhealthyWithInstallHint()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration(o => o.CliPath = "/no/such/dir/claude");
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("/no/such/dir/claude", entry.Description);
        Assert.Contains("npm install", entry.Description);
    }

    [Fact]
    public void AddClaudeOrchestration_InvalidOptions_FailAtStartWithFixingMessages()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration(o =>
        {
            o.MaxConcurrentProcesses = 0;
            o.CliPath = "/no/such/claude";
            o.ShutdownGracePeriod = TimeSpan.Zero;
            o.AllowedWorkingDirectoryRoots.Add("relative/root");
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("MaxConcurrentProcesses must be between 1 and 256", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("/no/such/claude", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ShutdownGracePeriod", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("relative/root", StringComparison.Ordinal));
    }

    [Fact]
    public void AddClaudeOrchestration_DefaultWorkingDirectoryOutsideTheRoots_FailsAtStartUp()
    {
        using var temp = new ClaudeOrchestration.TestUtilities.TempDirectory();
        var root = temp.CreateSubdirectory("root");
        var outside = temp.CreateSubdirectory("outside");
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration(o =>
        {
            o.DefaultWorkingDirectory = outside;
            o.AllowedWorkingDirectoryRoots.Add(root);
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("DefaultWorkingDirectory", StringComparison.Ordinal) && f.Contains(outside, StringComparison.Ordinal) && f.Contains(root, StringComparison.Ordinal));
    }

    [Fact]
    public void AddClaudeOrchestration_FromConfiguration_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClaudeOrchestration:MaxConcurrentProcesses"] = "7",
            ["ClaudeOrchestration:MaxLineBytes"] = "2048",
            ["ClaudeOrchestration:DefaultModel"] = "sonnet",
            ["ClaudeOrchestration:DefaultPermissionMode"] = "AcceptEdits",
            ["ClaudeOrchestration:DefaultTimeout"] = "00:05:00",
            ["ClaudeOrchestration:AllowedWorkingDirectoryRoots:0"] = "/srv",
            ["ClaudeOrchestration:EnvironmentVariables:FOO"] = "bar",
        }).Build();
        var services = new ServiceCollection();
        services.AddClaudeOrchestration(configuration.GetSection(ClaudeOrchestrationOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ClaudeOrchestrationOptions>>().Value;

        Assert.Equal(7, options.MaxConcurrentProcesses);
        Assert.Equal(2048, options.MaxLineBytes);
        Assert.Equal("sonnet", options.DefaultModel);
        Assert.Equal(ClaudePermissionMode.AcceptEdits, options.DefaultPermissionMode);
        Assert.Equal(TimeSpan.FromMinutes(5), options.DefaultTimeout);
        Assert.Equal(["/srv"], options.AllowedWorkingDirectoryRoots);
        Assert.Equal("bar", options.EnvironmentVariables["FOO"]);
    }

    [Fact]
    public void ConfigureDelegation_OverridesTemplate()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().ConfigureDelegation(d => d.PromptTemplates[ClaudeTaskType.Documentation] = "DOCS: {description}");
        using var provider = services.BuildServiceProvider();

        var prompt = provider.GetRequiredService<IClaudeTaskDelegator>().RenderPrompt(
            new DelegationRequest { Id = "1", TaskType = ClaudeTaskType.Documentation, Description = "README" });

        Assert.Equal("DOCS: README", prompt);
    }
}
