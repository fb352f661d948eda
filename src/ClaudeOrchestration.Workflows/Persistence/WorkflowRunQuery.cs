using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ClaudeOrchestration.Workflows.Execution;

namespace ClaudeOrchestration.Workflows.Persistence;

/// <summary>Which runs <see cref="IWorkflowRunStore.ListRunsAsync"/> returns: one page, newest first.</summary>
public sealed class WorkflowRunQuery
{
    /// <summary>The most runs one page may hold.</summary>
    public const int MaxPageSize = 1_000;

    /// <summary>Only runs with this status; <see langword="null"/> (the default) for all.</summary>
    public WorkflowRunStatus? Status { get; init; }

    /// <summary>Runs per page, 1 to <see cref="MaxPageSize"/>. Default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where to continue: <see cref="WorkflowRunPage.ContinuationToken"/> of the previous page, or <see langword="null"/> for the first.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>One page of runs, newest first.</summary>
public sealed class WorkflowRunPage
{
    /// <summary>The runs on this page (at most the query's page size).</summary>
    public required IReadOnlyList<WorkflowRunRecord> Runs { get; init; }

    /// <summary>Pass to <see cref="WorkflowRunQuery.ContinuationToken"/> for the next page; <see langword="null"/> on the last page.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>Helpers over <see cref="IWorkflowRunStore"/>.</summary>
public static class WorkflowRunStoreExtensions
{
    /// <summary>Every run with a status (all when <see langword="null"/>), newest first, read one page at a time.</summary>
    /// <param name="store">The store.</param>
    /// <param name="status">Only runs with this status, or all.</param>
    /// <param name="pageSize">Runs read per call to the store.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The runs; only one page is held in memory at a time.</returns>
    public static async IAsyncEnumerable<WorkflowRunRecord> EnumerateRunsAsync(
        this IWorkflowRunStore store, WorkflowRunStatus? status = null, int pageSize = 100, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string? token = null;
        do
        {
            var page = await store.ListRunsAsync(new WorkflowRunQuery { Status = status, PageSize = pageSize, ContinuationToken = token }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var run in page.Runs)
            {
                yield return run;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}

/// <summary>
/// Keyset paging shared by the stores: runs ordered by (created, run id) descending; the token is the last run's key,
/// so pages stay consistent while runs are added or change status.
/// </summary>
internal static class RunPaging
{
    public static (long CreatedTicks, string RunId)? Validate(WorkflowRunQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, WorkflowRunQuery.MaxPageSize, nameof(query));
        if (query.ContinuationToken is not { } token)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var separator = text.IndexOf('/', StringComparison.Ordinal);
            return (long.Parse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture), text[(separator + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new ArgumentException($"The continuation token '{token}' was not returned by this store; pass null for the first page.", nameof(query), ex);
        }
    }

    public static WorkflowRunPage Page(List<WorkflowRunRecord> runs, int pageSize)
    {
        // One extra row was read to know whether another page exists.
        if (runs.Count <= pageSize)
        {
            return new WorkflowRunPage { Runs = runs };
        }

        runs.RemoveAt(runs.Count - 1);
        var last = runs[^1];
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}/{last.RunId}")));
        return new WorkflowRunPage { Runs = runs, ContinuationToken = token };
    }
}
