using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;

namespace ClaudeOrchestration.Workflows.Tests.Engine;

public sealed class EngineGraphTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_Diamond_FlowsOutputsAndRespectsOrder()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work);
        var definition = engine.CreateBuilder("diamond")
            .Input("topic")
            .Node("a", "work", n => n.With("text", "about ${inputs.topic}"))
            .Node("b", "work", n => n.DependsOn("a").With("text", "b saw ${nodes.a.outputs.text}"))
            .Node("c", "work", n => n.DependsOn("a").With("n", 2))
            .Node("d", "work", n => n.DependsOn("b", "c").With("both", new JsonObject { ["b"] = "${nodes.b.outputs.text}", ["c"] = "${nodes.c.outputs.n}" }))
            .Output("final", "${nodes.d.outputs.both}")
            .Build();

        var run = await engine.StartAsync(definition, new Dictionary<string, JsonNode?> { ["topic"] = "graphs" }, cancellationToken: Ct);
        var events = await Engines.CollectAsync(run);
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        var final = Assert.IsType<JsonObject>(result.Outputs["final"]);
        Assert.Equal("b saw about graphs", final["b"]!.GetValue<string>());
        Assert.Equal(2, final["c"]!.GetValue<int>());
        var order = work.Order.ToList();
        Assert.Equal("a", order[0]);
        Assert.Equal("d", order[^1]);
        Assert.IsType<RunStartedEvent>(events[0]);
        Assert.IsType<RunFinishedEvent>(events[^1]);
        Assert.Equal(4, events.OfType<NodeFinishedEvent>().Count());
        Assert.Equal($"{run.RunId}/d", work.IdempotencyKeys["d"]);
    }

    [Fact]
    public async Task Run_WideFanOut_RunsAllWithinTheConcurrencyLimit()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work, configure: o => o.MaxConcurrency = 3);
        var builder = engine.CreateBuilder("wide").Node("start", "work");
        var ids = Enumerable.Range(0, 200).Select(i => $"w{i}").ToArray();
        foreach (var id in ids)
        {
            builder.Node(id, "work", n => n.DependsOn("start"));
        }

        builder.Node("join", "work", n => n.DependsOn(ids));
        var run = await engine.StartAsync(builder.Build(), cancellationToken: Ct);
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(202, work.Runs.Count);
        Assert.All(work.Runs.Values, n => Assert.Equal(1, n));
        Assert.InRange(work.Peak, 1, 3);
        Assert.Equal("join", work.Order.Last());
    }

    [Fact]
    public async Task Run_Conditional_SkipsTheBranchNotTakenAndJoins()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work);
        var definition = engine.CreateBuilder("branch")
            .Input("score", WorkflowValueType.Integer)
            .Node("check", WorkflowNodeTypes.Conditional, n => n.With("condition", "[inputs.score] >= 50").With("then", new JsonArray("pass")).With("else", new JsonArray("fail")))
            .Node("pass", "work", n => n.DependsOn("check"))
            .Node("fail", "work", n => n.DependsOn("check"))
            .Node("after-fail", "work", n => n.DependsOn("fail"))
            .Node("join", "work", n => n.DependsOn("pass", "fail"))
            .Build();

        var run = await engine.StartAsync(definition, new Dictionary<string, JsonNode?> { ["score"] = 80 }, cancellationToken: Ct);
        var events = await Engines.CollectAsync(run);
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(["pass", "join"], work.Order.Order(StringComparer.Ordinal).Reverse().ToArray());
        Assert.Equal(WorkflowNodeStatus.Skipped, result.Nodes["fail"].Status);
        Assert.Equal(WorkflowNodeStatus.Skipped, result.Nodes["after-fail"].Status);
        Assert.Contains(events.OfType<NodeSkippedEvent>(), e => e.NodePath == "fail" && e.Reason.Contains("'then'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_When_FalseSkipsTheNode()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work);
        var definition = engine.CreateBuilder("when")
            .Input("deploy", WorkflowValueType.Boolean)
            .Node("deploy", "work", n => n.When("[inputs.deploy] == true"))
            .Build();

        var result = await (await engine.StartAsync(definition, new Dictionary<string, JsonNode?> { ["deploy"] = false }, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowNodeStatus.Skipped, result.Nodes["deploy"].Status);
        Assert.Empty(work.Runs);
    }

    [Theory]
    [InlineData("all", null, 3)]
    [InlineData("any", null, 1)]
    [InlineData("first", 2, 2)]
    public async Task Run_Parallel_HonoursTheFanInBarrier(string mode, int? count, int expectedCompleted)
    {
        var work = new CountingHandler();
        var block = new BlockingHandler();
        await using var engine = Engines.Create(handlers: [work, block]);
        var definition = engine.CreateBuilder("fan")
            .Node("fan", WorkflowNodeTypes.Parallel, n =>
            {
                n.With("mode", mode);
                if (count is { } c)
                {
                    n.With("count", c);
                }

                n.Child("x", "work").Child("y", "work");
                n.Child("z", mode == "all" ? "work" : "block");
            })
            .Node("after", "work", n => n.DependsOn("fan").With("done", "${nodes.fan.outputs.count}"))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(expectedCompleted, result.Nodes["fan"].Outputs!["count"]!.GetValue<int>());
        Assert.Equal(expectedCompleted, result.Nodes["after"].Outputs!["done"]!.GetValue<int>());
        if (mode != "all")
        {
            // The barrier was met without the blocked branch; it was cancelled, not left running.
            Assert.NotEqual(WorkflowNodeStatus.Completed, result.Nodes.GetValueOrDefault("fan/z")?.Status ?? WorkflowNodeStatus.Cancelled);
        }
    }

    [Fact]
    public async Task Run_LoopOverItems_RunsTheBodyPerItem()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work);
        var definition = engine.CreateBuilder("items")
            .Input("files", WorkflowValueType.Array)
            .Node("each", WorkflowNodeTypes.Loop, n => n.With("items", "${inputs.files}").With("maxIterations", 10)
                .Child("lint", "work", c => c.With("file", "${loop.item}").With("index", "${loop.index}")))
            .Build();

        var result = await (await engine.StartAsync(definition, new Dictionary<string, JsonNode?> { ["files"] = new JsonArray("a.cs", "b.cs", "c.cs") }, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(3, result.Nodes["each"].Outputs!["iterations"]!.GetValue<int>());
        Assert.Equal("b.cs", result.Nodes["each[1]/lint"].Outputs!["file"]!.GetValue<string>());
        Assert.Equal(1, result.Nodes["each[1]/lint"].Outputs!["index"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_LoopWhile_StopsWhenTheConditionTurnsFalse()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work);
        var definition = engine.CreateBuilder("fix-loop")
            .Node("fix", WorkflowNodeTypes.Loop, n => n
                .With("while", "[loop.iteration] == 0 || [loop.last.step.outputs.n] < 2")
                .With("maxIterations", 5)
                .Child("step", "work", c => c.With("n", "${loop.index}")))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        Assert.Equal(3, result.Nodes["fix"].Outputs!["iterations"]!.GetValue<int>());
        Assert.False(result.Nodes["fix"].Outputs!["exhausted"]!.GetValue<bool>());
        Assert.Equal(2, result.Nodes["fix"].Outputs!["last"]!["step"]!["outputs"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_LoopForever_IsStoppedByMaxIterations()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work);
        var definition = engine.CreateBuilder("forever")
            .Node("spin", WorkflowNodeTypes.Loop, n => n.With("while", "true").With("maxIterations", 7).Child("step", "work"))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(7, work.Runs.Count);
        Assert.True(result.Nodes["spin"].Outputs!["exhausted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Run_LoopAskingForMoreThanTheEngineAllows_Fails()
    {
        await using var engine = Engines.Create(handlers: new CountingHandler(), configure: o => o.MaxLoopIterations = 5);
        var definition = engine.CreateBuilder("big")
            .Node("spin", WorkflowNodeTypes.Loop, n => n.With("while", "true").With("maxIterations", 1_000_000).Child("step", "work"))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("MaxLoopIterations", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SubWorkflow_ByNameAndInline()
    {
        var work = new CountingHandler();
        var catalog = new InMemoryWorkflowCatalog();
        catalog.Add(new WorkflowBuilder("child").UseHandlers([work])
            .Input("who")
            .Node("greet", "work", n => n.With("text", "hello ${inputs.who}"))
            .Output("greeting", "${nodes.greet.outputs.text}")
            .Build());
        await using var engine = Engines.Create(catalog: catalog, handlers: work);
        var definition = engine.CreateBuilder("parent")
            .Node("named", WorkflowNodeTypes.SubWorkflow, n => n.With("workflow", "child").With("inputs", new JsonObject { ["who"] = "world" }))
            .Node("inline", WorkflowNodeTypes.SubWorkflow, n => n.DependsOn("named").With("inputs", new JsonObject { ["g"] = "${nodes.named.outputs.greeting}" })
                .Child("echo", "work", c => c.With("seen", "${inputs.g}")))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        Assert.Equal("hello world", result.Nodes["named"].Outputs!["greeting"]!.GetValue<string>());
        Assert.Equal("hello world", result.Nodes["inline/echo"].Outputs!["seen"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_InvalidInputs_AreRejected()
    {
        await using var engine = Engines.Create(handlers: new CountingHandler());
        var definition = engine.CreateBuilder("typed").Input("count", WorkflowValueType.Integer).Node("a", "work").Build();

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => engine.StartAsync(definition, new Dictionary<string, JsonNode?> { ["count"] = "three" }, cancellationToken: Ct));
        Assert.Contains("not Integer", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkflowValidationException>(() => engine.StartAsync(definition, cancellationToken: Ct));
    }

    [Fact]
    public async Task Run_ReferenceOfWrongType_FailsTheNodeNamingTheInput()
    {
        await using var engine = Engines.Create(handlers: new CountingHandler());
        var definition = engine.CreateBuilder("types")
            .Node("a", "work", n => n.With("n", 5))
            .Node("each", WorkflowNodeTypes.Loop, n => n.DependsOn("a").With("items", "${nodes.a.outputs.n}").With("maxIterations", 3).Child("x", "work"))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("input 'items' of node 'each'", result.Error, StringComparison.Ordinal);
    }
}
