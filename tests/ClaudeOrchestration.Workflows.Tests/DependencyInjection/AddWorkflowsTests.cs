using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Nodes;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Workflows.Tests.DependencyInjection;

public sealed class AddWorkflowsTests
{
    [Fact]
    public async Task AddWorkflows_ResolvesEngineHandlersAndSqliteStoreNextToTheRagFiles()
    {
        using var data = new TempDirectory("workflows-di-");
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddClaudeOrchestration(o => o.CliPath = TestCli.Path).AddRag(o => o.DataDirectory = data.FullPath);
        builder.AddWorkflows().AddWorkflows().AddWorkflowNodeHandler<CountingHandler>().AddWorkflowNodeHandler<CountingHandler>();
        await using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<IWorkflowEngine>();
        Assert.Same(provider.GetRequiredService<WorkflowEngine>(), engine);
        var store = Assert.IsType<SqliteWorkflowRunStore>(provider.GetRequiredService<IWorkflowRunStore>());
        Assert.Equal(Path.Combine(data.FullPath, "workflows.db"), store.DatabasePath);
        var handlers = provider.GetServices<WorkflowNodeHandler>().Select(h => h.NodeType).ToList();
        Assert.Equal(["claude_code", "rag_query", "context_update", "dify", "work"], handlers);
        Assert.Single(provider.GetServices<IHostedService>(), s => s.GetType().Name == "WorkflowEngineHostedService");

        var definition = ((WorkflowEngine)engine).CreateBuilder("di").Node("a", "work").Build();
        var result = await (await engine.StartAsync(definition, cancellationToken: TestContext.Current.CancellationToken)).Completion;
        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
    }

    [Fact]
    public void AddWorkflows_BindsConfigurationAndHonoursAnEarlierStore()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Workflows:MaxConcurrency"] = "9",
            ["Workflows:Storage"] = "InMemory",
        }).Build();
        var services = new ServiceCollection();
        var mine = new InMemoryWorkflowRunStore();
        services.AddSingleton<IWorkflowRunStore>(mine);
        services.AddClaudeOrchestration(o => o.CliPath = TestCli.Path).AddWorkflows(configuration.GetSection("Workflows"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(9, provider.GetRequiredService<IOptions<WorkflowEngineOptions>>().Value.MaxConcurrency);
        Assert.Same(mine, provider.GetRequiredService<IWorkflowRunStore>());
    }

    [Fact]
    public void AddWorkflows_InvalidOptions_FailWithAFix()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration(o => o.CliPath = TestCli.Path).AddWorkflows(o => { o.MaxConcurrency = 0; o.MaxLoopIterations = 0; });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WorkflowEngineOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("MaxConcurrency is 0; set it to 1 or more", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxLoopIterations", StringComparison.Ordinal));
    }
}
