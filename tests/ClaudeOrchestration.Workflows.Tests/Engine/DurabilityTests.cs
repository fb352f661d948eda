using System.Text.Json.Nodes;
using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Workflows.Tests.Engine;

public sealed class DurabilityTests : IDisposable
{
    private readonly TempDirectory _directory = new("workflows-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_directory.FullPath, "workflows.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Resume_AfterShutdown_DoesNotRerunCompletedNodes()
    {
        var work1 = new CountingHandler();
        var block1 = new BlockingHandler();
        string runId;
        await using (var store1 = new SqliteWorkflowRunStore(DatabasePath))
        {
            var engine1 = Engines.Create(store: store1, handlers: [work1, block1]);
            var run = await engine1.StartAsync(Definition(engine1), cancellationToken: Ct);
            runId = run.RunId;
            await block1.Started.Task.WaitAsync(Ct);
            await engine1.DisposeAsync();
            Assert.Equal(WorkflowRunStatus.Running, (await run.Completion).Status);
        }

        Assert.Equal(1, work1.Runs["a"]);
        Assert.Equal(1, work1.Runs["b"]);

        var work2 = new CountingHandler();
        var block2 = new BlockingHandler();
        block2.Release();
        await using var store2 = new SqliteWorkflowRunStore(DatabasePath);
        await using var engine2 = Engines.Create(store: store2, handlers: [work2, block2]);
        var snapshot = await engine2.GetStatusAsync(runId, Ct);
        Assert.Equal(WorkflowRunStatus.Running, snapshot!.Run.Status);
        Assert.Contains(snapshot.Nodes, n => n.NodePath == "b" && n.Status == WorkflowNodeStatus.Completed);

        var resumed = await engine2.ResumeAsync(runId, Ct);
        var events = await Engines.CollectAsync(resumed);
        var result = await resumed.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.True(events.OfType<RunStartedEvent>().Single().Resumed);
        Assert.False(work2.Runs.ContainsKey("a"));
        Assert.False(work2.Runs.ContainsKey("b"));
        Assert.Equal(1, block2.Runs);
        Assert.Equal(1, work2.Runs["d"]);
        Assert.Equal("b-out", result.Outputs["fromB"]!.GetValue<string>());
    }

    [Fact]
    public async Task Approval_SurvivesARestartAndResumesOnApprove()
    {
        var work1 = new CountingHandler();
        string runId;
        await using (var store1 = new SqliteWorkflowRunStore(DatabasePath))
        {
            var engine1 = Engines.Create(store: store1, handlers: work1);
            var run = await engine1.StartAsync(ApprovalDefinition(engine1), cancellationToken: Ct);
            runId = run.RunId;
            var requested = (ApprovalRequestedEvent)await Engines.WaitForEventAsync(run, e => e is ApprovalRequestedEvent);
            Assert.Equal("ship", requested.NodePath);
            Assert.Equal("Ship build 42?", requested.Message);
            Assert.Equal(WorkflowRunStatus.WaitingForApproval, (await engine1.GetStatusAsync(runId, Ct))!.Run.Status);
            await engine1.DisposeAsync();
        }

        await using var store2 = new SqliteWorkflowRunStore(DatabasePath);
        var work2 = new CountingHandler();
        await using var engine2 = Engines.Create(store: store2, handlers: work2);
        var pending = Assert.Single((await engine2.GetStatusAsync(runId, Ct))!.PendingApprovals);
        Assert.Equal("ship", pending.NodePath);

        var resumed = await engine2.ResumeAsync(runId, Ct);
        await Engines.WaitForEventAsync(resumed, e => e is ApprovalRequestedEvent);
        Assert.True(await engine2.DecideApprovalAsync(runId, "ship", approve: true, comment: "looks good", decidedBy: "lead", cancellationToken: Ct));
        var result = await resumed.Completion;

        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        Assert.False(work2.Runs.ContainsKey("build"));
        Assert.Equal(1, work2.Runs["deploy"]);
        Assert.Equal("lead", result.Nodes["ship"].Outputs!["decidedBy"]!.GetValue<string>());
        Assert.False(await engine2.DecideApprovalAsync(runId, "ship", approve: false, cancellationToken: Ct));
    }

    [Fact]
    public async Task Approval_DecidedWhileNoEngineRuns_IsHonouredOnResume()
    {
        await using var store = new SqliteWorkflowRunStore(DatabasePath);
        var engine1 = Engines.Create(store: store, handlers: new CountingHandler());
        var run = await engine1.StartAsync(ApprovalDefinition(engine1), cancellationToken: Ct);
        await Engines.WaitForEventAsync(run, e => e is ApprovalRequestedEvent);
        await engine1.DisposeAsync();

        var work2 = new CountingHandler();
        await using var engine2 = Engines.Create(store: store, handlers: work2);
        Assert.True(await engine2.DecideApprovalAsync(run.RunId, "ship", approve: false, comment: "not today", cancellationToken: Ct));
        var result = await (await engine2.ResumeAsync(run.RunId, Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("rejected: not today", result.Error, StringComparison.Ordinal);
        Assert.False(work2.Runs.ContainsKey("deploy"));
    }

    [Fact]
    public async Task Approval_NotDecidedInTime_TimesOut()
    {
        var time = new FakeTimeProvider();
        await using var engine = Engines.Create(time: time, handlers: new CountingHandler());
        var definition = engine.CreateBuilder("approve")
            .Node("ok", WorkflowNodeTypes.Approval, n => n.With("timeout", "01:00:00").With("failOnReject", false))
            .Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        await Engines.WaitForEventAsync(run, e => e is ApprovalRequestedEvent);
        time.Advance(TimeSpan.FromHours(2));
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal("timed_out", result.Nodes["ok"].Outputs!["decision"]!.GetValue<string>());
        Assert.False(result.Nodes["ok"].Outputs!["approved"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SqliteStore_RoundTripsRunsNodesAndApprovals()
    {
        await using var store = new SqliteWorkflowRunStore(DatabasePath);
        var now = DateTimeOffset.UtcNow;
        var run = new WorkflowRunRecord
        {
            RunId = "r1",
            Definition = new WorkflowBuilder("w").Node("a", WorkflowNodeTypes.Set).Build(),
            Inputs = new Dictionary<string, JsonNode?> { ["x"] = 1 },
            Status = WorkflowRunStatus.Running,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.CreateRunAsync(run, Ct);
        await Assert.ThrowsAsync<WorkflowException>(() => store.CreateRunAsync(run, Ct));
        await store.SaveNodeAsync("r1", new WorkflowNodeRecord { NodePath = "a", Status = WorkflowNodeStatus.Completed, Outputs = new Dictionary<string, JsonNode?> { ["y"] = "z" } }, Ct);
        await store.SaveApprovalAsync(new WorkflowApprovalRecord { RunId = "r1", NodePath = "a", RequestedAt = now }, Ct);

        Assert.Equal("w", (await store.GetRunAsync("r1", Ct))!.Definition.Name);
        Assert.Equal("z", Assert.Single(await store.GetNodesAsync("r1", Ct)).Outputs!["y"]!.GetValue<string>());
        Assert.Single(await store.GetPendingApprovalsAsync(null, Ct));
        Assert.Single((await store.ListRunsAsync(new WorkflowRunQuery { Status = WorkflowRunStatus.Running }, Ct)).Runs);
        Assert.Null(await store.GetRunAsync("nope", Ct));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ListRunsAsync_PagesNewestFirstWithABoundedPageSize(bool sqlite)
    {
        IWorkflowRunStore store = sqlite ? new SqliteWorkflowRunStore(DatabasePath) : new InMemoryWorkflowRunStore();
        try
        {
            var definition = new WorkflowBuilder("w").Node("a", WorkflowNodeTypes.Set).Build();
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < 7; i++)
            {
                // Two runs share each timestamp: the run id breaks the tie, so no run is skipped or repeated across pages.
                await store.CreateRunAsync(new WorkflowRunRecord
                {
                    RunId = $"r{i}",
                    Definition = definition,
                    Inputs = new Dictionary<string, JsonNode?>(),
                    Status = i % 3 == 0 ? WorkflowRunStatus.Failed : WorkflowRunStatus.Completed,
                    CreatedAt = start.AddMinutes(i / 2),
                    UpdatedAt = start,
                }, Ct);
            }

            var first = await store.ListRunsAsync(new WorkflowRunQuery { PageSize = 3 }, Ct);
            Assert.Equal(["r6", "r5", "r4"], first.Runs.Select(r => r.RunId));
            var second = await store.ListRunsAsync(new WorkflowRunQuery { PageSize = 3, ContinuationToken = first.ContinuationToken }, Ct);
            Assert.Equal(["r3", "r2", "r1"], second.Runs.Select(r => r.RunId));
            var last = await store.ListRunsAsync(new WorkflowRunQuery { PageSize = 3, ContinuationToken = second.ContinuationToken }, Ct);
            Assert.Equal(["r0"], last.Runs.Select(r => r.RunId));
            Assert.Null(last.ContinuationToken);

            var failed = new List<string>();
            await foreach (var run in store.EnumerateRunsAsync(WorkflowRunStatus.Failed, pageSize: 1, Ct))
            {
                failed.Add(run.RunId);
            }

            Assert.Equal(["r6", "r3", "r0"], failed);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListRunsAsync(new WorkflowRunQuery { PageSize = WorkflowRunQuery.MaxPageSize + 1 }, Ct));
            var bad = await Assert.ThrowsAsync<ArgumentException>(() => store.ListRunsAsync(new WorkflowRunQuery { ContinuationToken = "not-a-token" }, Ct));
            Assert.Contains("not returned by this store", bad.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static WorkflowDefinition Definition(WorkflowEngine engine) => engine.CreateBuilder("resumable")
        .Node("a", "work", n => n.With("v", "a-out"))
        .Node("b", "work", n => n.DependsOn("a").With("v", "b-out"))
        .Node("c", "block", n => n.DependsOn("b"))
        .Node("d", "work", n => n.DependsOn("c").With("seen", "${nodes.b.outputs.v}"))
        .Output("fromB", "${nodes.d.outputs.seen}")
        .Build();

    private static WorkflowDefinition ApprovalDefinition(WorkflowEngine engine) => engine.CreateBuilder("release")
        .Node("build", "work", n => n.With("version", "42"))
        .Node("ship", WorkflowNodeTypes.Approval, n => n.DependsOn("build").With("message", "Ship build ${nodes.build.outputs.version}?"))
        .Node("deploy", "work", n => n.DependsOn("ship"))
        .Build();
}
