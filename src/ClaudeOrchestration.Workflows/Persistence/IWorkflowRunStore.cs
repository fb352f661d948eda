using ClaudeOrchestration.Workflows.Execution;

namespace ClaudeOrchestration.Workflows.Persistence;

/// <summary>
/// Where runs, node checkpoints and approval requests are kept. The engine writes a node's record when the node
/// completes, fails or is skipped (the checkpoint), and reads them back to resume a run.
/// </summary>
/// <remarks>Implementations must be safe to call concurrently; a write must be durable when its task completes.</remarks>
public interface IWorkflowRunStore
{
    /// <summary>Creates a run; throws when the id exists.</summary>
    Task CreateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a run's record (status, error, outputs), except that a run stored as <see cref="WorkflowRunStatus.Cancelled"/>
    /// stays so: a cancellation made through one engine is not undone by a write of the engine executing the run.
    /// </summary>
    Task UpdateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default);

    /// <summary>A run, or <see langword="null"/>.</summary>
    Task<WorkflowRunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of runs, newest first (by creation time, then run id), filtered by status when the query says so. Pages are
    /// bounded by <see cref="WorkflowRunQuery.PageSize"/>; follow <see cref="WorkflowRunPage.ContinuationToken"/>, or use
    /// <see cref="WorkflowRunStoreExtensions.EnumerateRunsAsync"/>, to read them all.
    /// </summary>
    /// <exception cref="ArgumentException">The page size is out of range or the continuation token is not one this store returned.</exception>
    Task<WorkflowRunPage> ListRunsAsync(WorkflowRunQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Writes (inserts or replaces) a node's checkpoint.</summary>
    Task SaveNodeAsync(string runId, WorkflowNodeRecord node, CancellationToken cancellationToken = default);

    /// <summary>Every node checkpoint of a run (bounded by its definition: one per node path, loop iterations included).</summary>
    Task<IReadOnlyList<WorkflowNodeRecord>> GetNodesAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Writes (inserts or replaces) an approval request or decision.</summary>
    Task SaveApprovalAsync(WorkflowApprovalRecord approval, CancellationToken cancellationToken = default);

    /// <summary>An approval request, or <see langword="null"/>.</summary>
    Task<WorkflowApprovalRecord?> GetApprovalAsync(string runId, string nodePath, CancellationToken cancellationToken = default);

    /// <summary>Approval requests without a decision, of one run or of all runs.</summary>
    Task<IReadOnlyList<WorkflowApprovalRecord>> GetPendingApprovalsAsync(string? runId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims a run for the engine instance <paramref name="owner"/> until <paramref name="until"/>, or extends the claim it
    /// already holds. False when another owner holds a claim that has not expired at <paramref name="now"/>. Engines that
    /// share a store (several processes on one SQLite file) execute a run only while they hold its claim, so a run is never
    /// executed twice at once. The default, for a store only one engine uses, always succeeds.
    /// </summary>
    Task<bool> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
        => Task.FromResult(true);

    /// <summary>Gives up the claim <paramref name="owner"/> holds on a run; nothing when it holds none.</summary>
    Task ReleaseRunAsync(string runId, string owner, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
