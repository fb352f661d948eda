using System.Text.Json.Nodes;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Workflows.Tests.Integration;

/// <summary><c>claude_code</c> nodes running the real claude CLI against the scripted Messages API.</summary>
public sealed class ClaudeCodeNodeCliTests : IAsyncLifetime
{
    private readonly OfflineCliFixture _cli = new();
    private ServiceProvider? _services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowEngine Engine => _services!.GetRequiredService<WorkflowEngine>();

    public async ValueTask InitializeAsync()
    {
        await _cli.InitializeAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddClaudeOrchestration(o =>
            {
                o.CliPath = TestCli.Path;
                o.DefaultWorkingDirectory = _cli.WorkingDirectory;
                foreach (var (name, value) in _cli.Environment)
                {
                    o.EnvironmentVariables[name] = value;
                }
            })
            .AddWorkflows(o => o.Storage = WorkflowStorage.InMemory);
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task ClaudeCodeNode_RealCli_ProducesTextThatFlowsToTheNextNode()
    {
        _cli.Server.When(r => r.LatestUserText.Contains("Name a colour", StringComparison.Ordinal), ScriptedReply.Text("Teal."));
        var definition = Engine.CreateBuilder("colour")
            .Input("thing")
            .Node("ask", WorkflowNodeTypes.ClaudeCode, n => n.With("prompt", "Name a colour for ${inputs.thing}.").With("maxTurns", 1))
            .Node("shape", WorkflowNodeTypes.Set, n => n.DependsOn("ask").With("answer", "The colour is ${nodes.ask.outputs.text}"))
            .Output("answer", "${nodes.shape.outputs.answer}")
            .Build();

        var run = await Engine.StartAsync(definition, new Dictionary<string, JsonNode?> { ["thing"] = "a bike shed" }, cancellationToken: Ct);
        var events = await Engines.CollectAsync(run);
        var result = await run.Completion;

        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        Assert.Equal("The colour is Teal.", result.Outputs["answer"]!.GetValue<string>());
        Assert.Contains(events.OfType<NodeTextEvent>(), e => e.NodePath == "ask" && e.Text.Contains("Teal", StringComparison.Ordinal));
        Assert.Equal(1, result.Nodes["ask"].Turns);
        Assert.Contains(_cli.Server.Requests, r => r.LatestUserText.Contains("a bike shed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_WhileTheAgentRuns_LeavesNoClaudeProcess()
    {
        _cli.Server.When(r => r.LatestUserText.Contains("Think slowly", StringComparison.Ordinal), ScriptedReply.Text("done").WithDelay(TimeSpan.FromMinutes(10)));
        var definition = Engine.CreateBuilder("slow")
            .Node("think", WorkflowNodeTypes.ClaudeCode, n => n.With("prompt", "Think slowly."))
            .Build();

        var run = await Engine.StartAsync(definition, cancellationToken: Ct);
        // A run that ends first (no CLI, a refused start) fails the test with its reason instead of waiting for ever.
        var asked = _cli.Server.WaitForRequestAsync(r => r.LatestUserText.Contains("Think slowly", StringComparison.Ordinal), Ct);
        if (await Task.WhenAny(asked, run.Completion) != asked)
        {
            var ended = await run.Completion;
            Assert.Fail($"The run ended {ended.Status} before the agent asked the API: {ended.Nodes["think"].Error}");
        }

        Assert.NotEmpty(_cli.FindLiveProcesses());

        Assert.True(await Engine.CancelAsync(run.RunId, Ct));
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Cancelled, result.Status);
        Assert.Empty(_cli.FindLiveProcesses());
    }

    [Fact]
    public async Task ClaudeCodeNode_ApiError_FailsTheNodeWithTheReason()
    {
        _cli.Server.When(r => r.LatestUserText.Contains("Break", StringComparison.Ordinal), ScriptedReply.Error(400, "the scripted API refuses"));
        var definition = Engine.CreateBuilder("broken")
            .Node("break", WorkflowNodeTypes.ClaudeCode, n => n.With("prompt", "Break, please.").With("maxTurns", 1))
            .Build();

        var result = await (await Engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Equal(WorkflowNodeStatus.Failed, result.Nodes["break"].Status);
        Assert.False(string.IsNullOrEmpty(result.Nodes["break"].Error));
    }
}
