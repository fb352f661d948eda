using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Persistence;

namespace ClaudeOrchestration.Workflows.Tests.Engine;

/// <summary>
/// Several engines on one run store, as several processes on one SQLite file would be (e.g. one stdio MCP server per
/// Claude Code session, each with ResumeOnStart): a run is executed by one engine at a time, and the others' cancel and
/// approve reach it. The crash test proves the claim across real processes.
/// </summary>
public sealed class SharedStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new("workflows-shared-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Resume_RunAnotherEngineExecutes_IsRefusedUntilThatEngineStops()
    {
        var store = new InMemoryWorkflowRunStore();
        var block = new BlockingHandler();
        var first = Engines.Create(store: store, handlers: block);
        var run = await first.StartAsync(Blocking(first), cancellationToken: Ct);
        await block.Started.Task.WaitAsync(Ct);

        var secondBlock = new BlockingHandler();
        secondBlock.Release();
        await using var second = Engines.Create(store: store, handlers: secondBlock);
        var refused = await Assert.ThrowsAsync<WorkflowException>(() => second.ResumeAsync(run.RunId, Ct));
        Assert.Contains("another engine sharing this run store", refused.Message, StringComparison.Ordinal);
        Assert.Null(await second.ResumeCoreAsync(run.RunId, skipIfClaimed: true, Ct)); // what ResumeOnStart does
        Assert.Equal(0, secondBlock.Runs);

        await first.DisposeAsync(); // stops the run, resumable, and releases the claim
        var result = await (await second.ResumeAsync(run.RunId, Ct)).Completion;

        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        Assert.Equal(1, block.Runs);
        Assert.Equal(1, secondBlock.Runs);
    }

    [Fact]
    public async Task Cancel_ThroughAnotherEngine_StopsTheRunWhereItExecutes()
    {
        var store = new InMemoryWorkflowRunStore();
        var block = new BlockingHandler();
        await using var owner = Engines.Create(store: store, configure: o => o.RunClaimDuration = TimeSpan.FromSeconds(1), handlers: block);
        var run = await owner.StartAsync(Blocking(owner), cancellationToken: Ct);
        await block.Started.Task.WaitAsync(Ct);

        await using var other = Engines.Create(store: store, handlers: new BlockingHandler());
        Assert.True(await other.CancelAsync(run.RunId, Ct));

        var result = await run.Completion.WaitAsync(Ct);
        Assert.Equal(WorkflowRunStatus.Cancelled, result.Status);
        Assert.True(await block.SawCancellation.Task.WaitAsync(Ct));
        Assert.Equal(WorkflowRunStatus.Cancelled, (await store.GetRunAsync(run.RunId, Ct))!.Status);
    }

    [Fact]
    public async Task Approval_DecidedThroughAnotherEngine_ReachesTheWaitingRun()
    {
        var store = new InMemoryWorkflowRunStore();
        var work = new CountingHandler();
        await using var owner = Engines.Create(store: store, configure: o => o.RunClaimDuration = TimeSpan.FromSeconds(1), handlers: work);
        var definition = owner.CreateBuilder("ship")
            .Node("ship", WorkflowNodeTypes.Approval, n => n.With("message", "Ship it?"))
            .Node("deploy", "work", n => n.DependsOn("ship"))
            .Build();
        var run = await owner.StartAsync(definition, cancellationToken: Ct);
        await Engines.WaitForEventAsync(run, e => e is ApprovalRequestedEvent);

        await using var other = Engines.Create(store: store, handlers: new CountingHandler());
        Assert.True(await other.DecideApprovalAsync(run.RunId, "ship", approve: true, decidedBy: "lead", cancellationToken: Ct));

        var result = await run.Completion.WaitAsync(Ct);
        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        Assert.Equal(1, work.Runs["deploy"]);
        Assert.Equal("lead", result.Nodes["ship"].Outputs!["decidedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resume_ClaimOfACrashedEngine_IsRefusedUntilItLapses()
    {
        var store = new InMemoryWorkflowRunStore();
        var first = Engines.Create(store: store, handlers: new BlockingHandler());
        var run = await first.StartAsync(Blocking(first), cancellationToken: Ct);
        await first.DisposeAsync();

        // As if an engine had claimed the run and then died without releasing it.
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.TryClaimRunAsync(run.RunId, "crashed-host", now, now + TimeSpan.FromSeconds(1), Ct));

        var block = new BlockingHandler();
        block.Release();
        await using var second = Engines.Create(store: store, handlers: block);
        _ = await Assert.ThrowsAsync<WorkflowException>(() => second.ResumeAsync(run.RunId, Ct));

        WorkflowRun? resumed = null;
        while (resumed is null)
        {
            await Task.Delay(100, Ct);
            resumed = await second.ResumeCoreAsync(run.RunId, skipIfClaimed: true, Ct);
        }

        Assert.Equal(WorkflowRunStatus.Completed, (await resumed.Completion).Status);
    }

    [Fact]
    public async Task SqliteStore_Claims_OneOwnerAtATimeUntilReleasedOrExpired()
    {
        var database = Path.Combine(_directory.FullPath, "workflows.db");
        await using var a = new SqliteWorkflowRunStore(database);
        await using var b = new SqliteWorkflowRunStore(database);
        var t0 = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        var minute = TimeSpan.FromMinutes(1);

        Assert.True(await a.TryClaimRunAsync("r1", "a", t0, t0 + minute, Ct));
        Assert.False(await b.TryClaimRunAsync("r1", "b", t0, t0 + minute, Ct));
        Assert.True(await a.TryClaimRunAsync("r1", "a", t0 + (minute / 2), t0 + (2 * minute), Ct)); // renewal
        Assert.False(await b.TryClaimRunAsync("r1", "b", t0 + minute + TimeSpan.FromSeconds(30), t0 + (3 * minute), Ct));
        Assert.True(await b.TryClaimRunAsync("r2", "b", t0, t0 + minute, Ct)); // another run is free

        Assert.True(await b.TryClaimRunAsync("r1", "b", t0 + (3 * minute), t0 + (4 * minute), Ct)); // a's claim lapsed
        Assert.False(await a.TryClaimRunAsync("r1", "a", t0 + (3 * minute), t0 + (4 * minute), Ct)); // so a cannot renew

        await a.ReleaseRunAsync("r1", "a", Ct); // not a's any more: nothing happens
        Assert.False(await a.TryClaimRunAsync("r1", "a", t0 + (3 * minute), t0 + (4 * minute), Ct));
        await b.ReleaseRunAsync("r1", "b", Ct);
        Assert.True(await a.TryClaimRunAsync("r1", "a", t0 + (3 * minute), t0 + (4 * minute), Ct));
    }

    [Fact]
    public async Task Resume_FailingAfterTheClaim_ReleasesItAtOnce()
    {
        var store = new InMemoryWorkflowRunStore();
        var first = Engines.Create(store: store, handlers: new BlockingHandler());
        var run = await first.StartAsync(Blocking(first), cancellationToken: Ct);
        await first.DisposeAsync();

        await using var failing = Engines.Create(store: new FailingCheckpointsStore(store), handlers: new BlockingHandler());
        _ = await Assert.ThrowsAsync<IOException>(() => failing.ResumeAsync(run.RunId, Ct));

        var block = new BlockingHandler();
        block.Release();
        await using var second = Engines.Create(store: store, handlers: block);
        Assert.Equal(WorkflowRunStatus.Completed, (await (await second.ResumeAsync(run.RunId, Ct)).Completion).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpdateRun_OfACancelledRun_KeepsItCancelled(bool sqlite)
    {
        await using var owned = sqlite ? new SqliteWorkflowRunStore(Path.Combine(_directory.FullPath, "cancel.db")) : null;
        IWorkflowRunStore store = owned ?? (IWorkflowRunStore)new InMemoryWorkflowRunStore();
        var engine = Engines.Create(store: store, handlers: new BlockingHandler());
        var now = DateTimeOffset.UtcNow;
        var running = new WorkflowRunRecord
        {
            RunId = "r", Definition = Blocking(engine), Inputs = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(),
            Status = WorkflowRunStatus.Running, CreatedAt = now, UpdatedAt = now,
        };
        await store.CreateRunAsync(running, Ct);
        await store.UpdateRunAsync(new WorkflowRunRecord
        {
            RunId = "r", Definition = running.Definition, Inputs = running.Inputs, Status = WorkflowRunStatus.Cancelled,
            CreatedAt = now, UpdatedAt = now, Error = "cancelled elsewhere",
        }, Ct);

        await store.UpdateRunAsync(running, Ct); // the executing engine's late write

        var stored = (await store.GetRunAsync("r", Ct))!;
        Assert.Equal(WorkflowRunStatus.Cancelled, stored.Status);
        Assert.Equal("cancelled elsewhere", stored.Error);
        Assert.Equal(WorkflowRunStatus.Cancelled, Assert.Single((await store.ListRunsAsync(new WorkflowRunQuery { Status = WorkflowRunStatus.Cancelled }, Ct)).Runs).Status);
    }

    private static WorkflowDefinition Blocking(WorkflowEngine engine) => engine.CreateBuilder("blocking").Node("wait", "block").Build();

    /// <summary>A store whose checkpoints cannot be read (a disk error), everything else passed through.</summary>
    private sealed class FailingCheckpointsStore(IWorkflowRunStore inner) : IWorkflowRunStore
    {
        public Task CreateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default) => inner.CreateRunAsync(run, cancellationToken);

        public Task UpdateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default) => inner.UpdateRunAsync(run, cancellationToken);

        public Task<WorkflowRunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => inner.GetRunAsync(runId, cancellationToken);

        public Task<WorkflowRunPage> ListRunsAsync(WorkflowRunQuery? query = null, CancellationToken cancellationToken = default) => inner.ListRunsAsync(query, cancellationToken);

        public Task SaveNodeAsync(string runId, WorkflowNodeRecord node, CancellationToken cancellationToken = default) => inner.SaveNodeAsync(runId, node, cancellationToken);

        public Task<IReadOnlyList<WorkflowNodeRecord>> GetNodesAsync(string runId, CancellationToken cancellationToken = default) =>
            throw new IOException("The checkpoints could not be read.");

        public Task SaveApprovalAsync(WorkflowApprovalRecord approval, CancellationToken cancellationToken = default) => inner.SaveApprovalAsync(approval, cancellationToken);

        public Task<WorkflowApprovalRecord?> GetApprovalAsync(string runId, string nodePath, CancellationToken cancellationToken = default) =>
            inner.GetApprovalAsync(runId, nodePath, cancellationToken);

        public Task<IReadOnlyList<WorkflowApprovalRecord>> GetPendingApprovalsAsync(string? runId = null, CancellationToken cancellationToken = default) =>
            inner.GetPendingApprovalsAsync(runId, cancellationToken);

        public Task<bool> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) =>
            inner.TryClaimRunAsync(runId, owner, now, until, cancellationToken);

        public Task ReleaseRunAsync(string runId, string owner, CancellationToken cancellationToken = default) => inner.ReleaseRunAsync(runId, owner, cancellationToken);
    }
}
