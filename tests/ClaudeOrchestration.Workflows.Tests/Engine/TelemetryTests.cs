using System.Collections.Concurrent;
using System.Diagnostics;
using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Persistence;

namespace ClaudeOrchestration.Workflows.Tests.Engine;

public sealed class TelemetryTests : IDisposable
{
    private const string HostName = "ClaudeOrchestration.Workflows.Tests.Host";
    private static readonly ActivitySource Host = new(HostName);
    private readonly TempDirectory _directory = new("workflows-trace-");
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is WorkflowsPackage.TelemetryName or HostName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _listener.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task RunSpan_ParentsNodeSpans_AndAResumedRunLinksToTheFirst()
    {
        var databasePath = Path.Combine(_directory.FullPath, "workflows.db");
        using var caller = Host.StartActivity("host request")!;
        string runId;
        await using (var store1 = new SqliteWorkflowRunStore(databasePath))
        {
            var block1 = new BlockingHandler();
            var engine1 = Engines.Create(store: store1, handlers: [new CountingHandler(), block1]);
            var run = await engine1.StartAsync(Definition(engine1), cancellationToken: Ct);
            runId = run.RunId;
            await block1.Started.Task.WaitAsync(Ct);
            await engine1.DisposeAsync();
        }

        var block2 = new BlockingHandler();
        block2.Release();
        await using var store2 = new SqliteWorkflowRunStore(databasePath);
        await using var engine2 = Engines.Create(store: store2, handlers: [new CountingHandler(), block2]);
        Assert.NotNull((await store2.GetRunAsync(runId, Ct))!.TraceParent);
        var result = await (await engine2.ResumeAsync(runId, Ct)).Completion;
        Assert.Equal(WorkflowRunStatus.Completed, result.Status);

        // Activities of tests running in parallel reach the listener too: keep this run's.
        var mine = _stopped.Where(a => Equals(a.GetTagItem("workflow.run_id"), runId)).ToList();
        var runs = mine.Where(a => a.OperationName.StartsWith("workflow.run ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, runs.Count);
        var first = runs.Single(r => Equals(r.GetTagItem("workflow.resumed"), false));
        var second = runs.Single(r => Equals(r.GetTagItem("workflow.resumed"), true));
        Assert.Equal(caller.SpanId, first.ParentSpanId);
        Assert.Equal(caller.TraceId, first.TraceId);

        var nodes = mine.Where(a => a.OperationName.StartsWith("workflow.node ", StringComparison.Ordinal)).ToList();
        Assert.Contains(nodes, n => n.OperationName == "workflow.node a" && n.ParentSpanId == first.SpanId);
        Assert.Contains(nodes, n => n.OperationName == "workflow.node d" && n.ParentSpanId == second.SpanId);
        Assert.All(nodes, n => Assert.True(n.ParentSpanId == first.SpanId || n.ParentSpanId == second.SpanId, n.OperationName));

        var link = Assert.Single(second.Links);
        Assert.Equal(first.TraceId, link.Context.TraceId);
        Assert.Equal(first.SpanId, link.Context.SpanId);
    }

    private static WorkflowDefinition Definition(WorkflowEngine engine) => engine.CreateBuilder("traced")
        .Node("a", "work")
        .Node("c", "block", n => n.DependsOn("a"))
        .Node("d", "work", n => n.DependsOn("c"))
        .Build();
}
