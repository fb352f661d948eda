namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// Where contexts live. Updates use optimistic concurrency: a write succeeds only if the stored version is still the one
/// the writer read, so two writers (threads or processes) never overwrite each other's changes.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and must never hand out or keep a reference to a caller's object: store a copy and
/// return a fresh instance from every read. <see cref="AgentContext.LastAccessedAt"/> and
/// <see cref="AgentContext.AccessCount"/> are kept apart from the versioned state, so reads can record access without
/// conflicting with updates.
/// </remarks>
public interface IAgentContextStore
{
    /// <summary>Reads a context; <see langword="null"/> when there is none with that id.</summary>
    Task<AgentContext?> GetAsync(string contextId, CancellationToken cancellationToken = default);

    /// <summary>Stores a new context; <see langword="false"/> (and nothing written) when the id is taken.</summary>
    Task<bool> TryCreateAsync(AgentContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a context if its stored version is still <paramref name="expectedVersion"/>; the stored version becomes
    /// <paramref name="context"/>'s <see cref="AgentContext.Version"/>. <see langword="false"/> when the version changed
    /// meanwhile or the context is gone.
    /// </summary>
    Task<bool> TryUpdateAsync(AgentContext context, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a read: moves the last-access time forward to <paramref name="accessedAt"/> (never back) and counts one
    /// access. <see langword="false"/> when there is no such context.
    /// </summary>
    Task<bool> TouchAsync(string contextId, DateTimeOffset accessedAt, CancellationToken cancellationToken = default);

    /// <summary>Deletes a context; <see langword="false"/> when there was none.</summary>
    Task<bool> DeleteAsync(string contextId, CancellationToken cancellationToken = default);

    /// <summary>Deletes, as one atomic step per context, every context last accessed before <paramref name="cutoff"/>, and returns their ids.</summary>
    Task<IReadOnlyList<string>> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>The ids of all stored contexts, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken = default);
}
