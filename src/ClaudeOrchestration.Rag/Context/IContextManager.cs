using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// Keeps agent contexts (working context, memory, preferences, project, conversation) and assembles, for each query,
/// the context an agent needs within a token budget.
/// </summary>
public interface IContextManager
{
    /// <summary>Creates a context.</summary>
    /// <param name="contextId">The id; <see langword="null"/> generates one.</param>
    /// <param name="initialize">Sets the new context's initial state.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="InvalidOperationException">A context with that id exists.</exception>
    Task<AgentContext> CreateContextAsync(string? contextId = null, Action<AgentContext>? initialize = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a context (a snapshot) and records the access; <see langword="null"/> when it does not exist.</summary>
    Task<AgentContext?> GetContextAsync(string contextId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes a context safely under concurrency: <paramref name="update"/> runs on the latest state and the result is
    /// saved only if nobody saved in between; otherwise it runs again on the newer state. No update is ever lost.
    /// </summary>
    /// <remarks>
    /// <paramref name="update"/> may run more than once (when another process saved in between), so it must only change
    /// the context it is given. It must not call back into the context manager for the same context.
    /// </remarks>
    /// <returns>The context as saved.</returns>
    /// <exception cref="AgentContextNotFoundException">The context does not exist.</exception>
    Task<AgentContext> UpdateContextAsync(string contextId, Func<AgentContext, CancellationToken, ValueTask> update, CancellationToken cancellationToken = default);

    /// <summary>Changes a context safely under concurrency; see the asynchronous overload.</summary>
    /// <exception cref="AgentContextNotFoundException">The context does not exist.</exception>
    Task<AgentContext> UpdateContextAsync(string contextId, Action<AgentContext> update, CancellationToken cancellationToken = default);

    /// <summary>Appends a turn to a context's history (trimming the oldest beyond the configured length).</summary>
    /// <exception cref="AgentContextNotFoundException">The context does not exist.</exception>
    Task<AgentContext> AddTurnAsync(string contextId, ChatRole role, string content, CancellationToken cancellationToken = default);

    /// <summary>Adds a fact to a context's short-term memory (trimming the oldest beyond the configured count).</summary>
    /// <exception cref="AgentContextNotFoundException">The context does not exist.</exception>
    Task<AgentContext> RememberAsync(string contextId, string fact, CancellationToken cancellationToken = default);

    /// <summary>Deletes a context; <see langword="false"/> when it did not exist.</summary>
    Task<bool> DeleteContextAsync(string contextId, CancellationToken cancellationToken = default);

    /// <summary>The ids of all contexts.</summary>
    Task<IReadOnlyList<string>> ListContextIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>Figures about a context; <see langword="null"/> when it does not exist. Does not count as an access.</summary>
    Task<AgentContextStatistics?> GetStatisticsAsync(string contextId, CancellationToken cancellationToken = default);

    /// <summary>Assembles the context for <paramref name="query"/> within the default token budget.</summary>
    /// <exception cref="AgentContextNotFoundException">The context does not exist.</exception>
    Task<RelevantContext> GetRelevantContextAsync(string contextId, string query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Assembles the context for <paramref name="query"/>: working context, project, preferences, relevant knowledge,
    /// relevant memory and recent conversation, within the token budget. Results are cached until the context or the
    /// knowledge base changes.
    /// </summary>
    /// <exception cref="AgentContextNotFoundException">The context does not exist.</exception>
    /// <exception cref="ArgumentException">The query is empty, or an option is out of range.</exception>
    Task<RelevantContext> GetRelevantContextAsync(string contextId, string query, ContextRequestOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Deletes the contexts idle for longer than <see cref="ContextManagerOptions.IdleTimeout"/>; returns how many.</summary>
    Task<int> ExpireIdleContextsAsync(CancellationToken cancellationToken = default);
}
