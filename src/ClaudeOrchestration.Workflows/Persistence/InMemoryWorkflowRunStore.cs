using System.Collections.Concurrent;
using ClaudeOrchestration.Workflows.Execution;

namespace ClaudeOrchestration.Workflows.Persistence;

/// <summary>A run store in process memory: nothing survives the process. For tests and throw-away runs.</summary>
public sealed class InMemoryWorkflowRunStore : IWorkflowRunStore
{
    private readonly ConcurrentDictionary<string, WorkflowRunRecord> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, WorkflowNodeRecord>> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), WorkflowApprovalRecord> _approvals = new();
    private readonly Dictionary<string, (string Owner, DateTimeOffset Until)> _claims = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task CreateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return _runs.TryAdd(run.RunId, run) ? Task.CompletedTask : throw new WorkflowException($"A run with id '{run.RunId}' exists.");
    }

    /// <inheritdoc />
    public Task UpdateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        _ = _runs.AddOrUpdate(run.RunId, run, (_, stored) => stored.Status == WorkflowRunStatus.Cancelled ? stored : run);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<WorkflowRunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_runs.GetValueOrDefault(runId));

    /// <inheritdoc />
    public Task<WorkflowRunPage> ListRunsAsync(WorkflowRunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new WorkflowRunQuery();
        var after = RunPaging.Validate(query);
        var runs = _runs.Values
            .Where(r => query.Status is null || r.Status == query.Status)
            .Where(r => after is not { } a || r.CreatedAt.UtcTicks < a.CreatedTicks
                || (r.CreatedAt.UtcTicks == a.CreatedTicks && string.CompareOrdinal(r.RunId, a.RunId) < 0))
            .OrderByDescending(r => r.CreatedAt.UtcTicks).ThenByDescending(r => r.RunId, StringComparer.Ordinal)
            .Take(query.PageSize + 1)
            .ToList();
        return Task.FromResult(RunPaging.Page(runs, query.PageSize));
    }

    /// <inheritdoc />
    public Task SaveNodeAsync(string runId, WorkflowNodeRecord node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodes.GetOrAdd(runId, _ => new(StringComparer.Ordinal))[node.NodePath] = node;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowNodeRecord>> GetNodesAsync(string runId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WorkflowNodeRecord>>(_nodes.TryGetValue(runId, out var nodes) ? nodes.Values.ToList() : []);

    /// <inheritdoc />
    public Task SaveApprovalAsync(WorkflowApprovalRecord approval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approval);
        _approvals[(approval.RunId, approval.NodePath)] = approval;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<WorkflowApprovalRecord?> GetApprovalAsync(string runId, string nodePath, CancellationToken cancellationToken = default) =>
        Task.FromResult(_approvals.GetValueOrDefault((runId, nodePath)));

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowApprovalRecord>> GetPendingApprovalsAsync(string? runId = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WorkflowApprovalRecord>>(
            _approvals.Values.Where(a => a.Decision is null && (runId is null || a.RunId == runId)).OrderBy(a => a.RequestedAt).ToList());

    /// <inheritdoc />
    public Task<bool> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_claims)
        {
            if (_claims.TryGetValue(runId, out var claim) && claim.Owner != owner && claim.Until >= now)
            {
                return Task.FromResult(false);
            }

            _claims[runId] = (owner, until);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task ReleaseRunAsync(string runId, string owner, CancellationToken cancellationToken = default)
    {
        lock (_claims)
        {
            if (_claims.TryGetValue(runId, out var claim) && claim.Owner == owner)
            {
                _ = _claims.Remove(runId);
            }
        }

        return Task.CompletedTask;
    }
}
