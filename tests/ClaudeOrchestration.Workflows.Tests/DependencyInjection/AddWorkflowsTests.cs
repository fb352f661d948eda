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

    [Fact]
    public async Task AddWorkflows_CatalogDifyNodesWithoutTheirClients_FailStartUpNamingEach()
    {
        using var data = new TempDirectory("workflows-dify-");
        await File.WriteAllTextAsync(Path.Combine(data.FullPath, "support.json"), """
            { "name": "support", "inputs": [ { "name": "app" } ],
              "nodes": [
                { "id": "ask", "type": "dify", "inputs": { "user": "u", "client": "billing" } },
                { "id": "fan", "type": "parallel", "nodes": [ { "id": "plain", "type": "dify", "inputs": { "user": "u" } } ] },
                { "id": "chosen", "type": "dify", "inputs": { "user": "u", "client": "${inputs.app}" } }
              ] }
            """, TestContext.Current.CancellationToken);

        static IHost Host(string directory, bool withClients)
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.Services.AddClaudeOrchestration(o => o.CliPath = TestCli.Path).AddWorkflows(o => o.Storage = WorkflowStorage.InMemory).AddWorkflowDefinitionsFromDirectory(directory);
            if (withClients)
            {
                builder.Services.AddDifyClient(o => { o.BaseUrl = new Uri("http://127.0.0.1:1/v1"); o.ApiKey = "app-test"; });
                builder.Services.AddKeyedDifyClient("billing", o => { o.BaseUrl = new Uri("http://127.0.0.1:1/v1"); o.ApiKey = "app-billing"; });
            }

            return builder.Build();
        }

        using (var broken = Host(data.FullPath, withClients: false))
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.StartAsync(TestContext.Current.CancellationToken));
            Assert.Contains("node 'ask' of workflow 'support' names the Dify client 'billing'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("AddKeyedDifyClient(\"billing\"", ex.Message, StringComparison.Ordinal);
            Assert.Contains("node 'fan/plain' of workflow 'support' runs a Dify workflow, but no IDifyClient is registered", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("chosen", ex.Message, StringComparison.Ordinal);
        }

        using var working = Host(data.FullPath, withClients: true);
        await working.StartAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(working.Services.GetRequiredService<IWorkflowCatalog>().Definitions.Single(d => d.Name == "support"));
        await working.StopAsync(TestContext.Current.CancellationToken);
    }
}
