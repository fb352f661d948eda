using System.Text.Json;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// An <see cref="ISessionStore"/> in process memory. Sessions are kept serialised, so no caller ever shares an object
/// with the store; nothing survives the process.
/// </summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly Dictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task<ContextSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        Entry? entry;
        lock (_lock)
        {
            if (!_sessions.TryGetValue(sessionId, out entry))
            {
                return Task.FromResult<ContextSession?>(null);
            }
        }

        var session = JsonSerializer.Deserialize(entry.Json, SessionJsonContext.Default.ContextSession)!;
        session.LastAccessedAt = entry.LastAccessedAt;
        session.AccessCount = entry.AccessCount;
        return Task.FromResult<ContextSession?>(session);
    }

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(ContextSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var json = JsonSerializer.SerializeToUtf8Bytes(session, SessionJsonContext.Default.ContextSession);
        lock (_lock)
        {
            return Task.FromResult(_sessions.TryAdd(session.Id, new Entry(json, session.Version, session.LastAccessedAt, session.AccessCount)));
        }
    }

    /// <inheritdoc />
    public Task<bool> TryUpdateAsync(ContextSession session, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var json = JsonSerializer.SerializeToUtf8Bytes(session, SessionJsonContext.Default.ContextSession);
        lock (_lock)
        {
            if (!_sessions.TryGetValue(session.Id, out var entry) || entry.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            var lastAccess = session.LastAccessedAt > entry.LastAccessedAt ? session.LastAccessedAt : entry.LastAccessedAt;
            _sessions[session.Id] = new Entry(json, session.Version, lastAccess, entry.AccessCount);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> TouchAsync(string sessionId, DateTimeOffset accessedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        lock (_lock)
        {
            if (!_sessions.TryGetValue(sessionId, out var entry))
            {
                return Task.FromResult(false);
            }

            _sessions[sessionId] = entry with
            {
                LastAccessedAt = accessedAt > entry.LastAccessedAt ? accessedAt : entry.LastAccessedAt,
                AccessCount = entry.AccessCount + 1,
            };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        lock (_lock)
        {
            return Task.FromResult(_sessions.Remove(sessionId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var idle = _sessions.Where(s => s.Value.LastAccessedAt < cutoff).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
            foreach (var id in idle)
            {
                _sessions.Remove(id);
            }

            return Task.FromResult<IReadOnlyList<string>>(idle);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _sessions.Keys.Order(StringComparer.Ordinal)]);
        }
    }

    private sealed record Entry(byte[] Json, long Version, DateTimeOffset LastAccessedAt, long AccessCount);
}
