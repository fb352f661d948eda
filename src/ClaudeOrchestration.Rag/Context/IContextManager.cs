using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// Keeps agent sessions (working context, memory, preferences, project, conversation) and assembles, for each query,
/// the context an agent needs within a token budget.
/// </summary>
public interface IContextManager
{
    /// <summary>Creates a session.</summary>
    /// <param name="sessionId">The id; <see langword="null"/> generates one.</param>
    /// <param name="initialize">Sets the new session's initial state.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="InvalidOperationException">A session with that id exists.</exception>
    Task<ContextSession> CreateSessionAsync(string? sessionId = null, Action<ContextSession>? initialize = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a session (a snapshot) and records the access; <see langword="null"/> when it does not exist.</summary>
    Task<ContextSession?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes a session safely under concurrency: <paramref name="update"/> runs on the latest state and the result is
    /// saved only if nobody saved in between; otherwise it runs again on the newer state. No update is ever lost.
    /// </summary>
    /// <remarks>
    /// <paramref name="update"/> may run more than once (when another process saved in between), so it must only change
    /// the session it is given. It must not call back into the context manager for the same session.
    /// </remarks>
    /// <returns>The session as saved.</returns>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    Task<ContextSession> UpdateSessionAsync(string sessionId, Func<ContextSession, CancellationToken, ValueTask> update, CancellationToken cancellationToken = default);

    /// <summary>Changes a session safely under concurrency; see the asynchronous overload.</summary>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    Task<ContextSession> UpdateSessionAsync(string sessionId, Action<ContextSession> update, CancellationToken cancellationToken = default);

    /// <summary>Appends a turn to a session's history (trimming the oldest beyond the configured length).</summary>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    Task<ContextSession> AddTurnAsync(string sessionId, ChatRole role, string content, CancellationToken cancellationToken = default);

    /// <summary>Adds a fact to a session's short-term memory (trimming the oldest beyond the configured count).</summary>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    Task<ContextSession> RememberAsync(string sessionId, string fact, CancellationToken cancellationToken = default);

    /// <summary>Deletes a session; <see langword="false"/> when it did not exist.</summary>
    Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>The ids of all sessions.</summary>
    Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>Figures about a session; <see langword="null"/> when it does not exist. Does not count as an access.</summary>
    Task<SessionStatistics?> GetStatisticsAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Assembles the context for <paramref name="query"/> within the default token budget.</summary>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    Task<RelevantContext> GetRelevantContextAsync(string sessionId, string query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Assembles the context for <paramref name="query"/>: working context, project, preferences, relevant knowledge,
    /// relevant memory and recent conversation, within the token budget. Results are cached until the session or the
    /// knowledge base changes.
    /// </summary>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    /// <exception cref="ArgumentException">The query is empty, or an option is out of range.</exception>
    Task<RelevantContext> GetRelevantContextAsync(string sessionId, string query, ContextRequestOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Deletes the sessions idle for longer than <see cref="ContextManagerOptions.IdleTimeout"/>; returns how many.</summary>
    Task<int> ExpireIdleSessionsAsync(CancellationToken cancellationToken = default);
}
