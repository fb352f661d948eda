using System.Text.Json;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// An <see cref="IAgentContextStore"/> in process memory. Contexts are kept serialised, so no caller ever shares an object
/// with the store; nothing survives the process.
/// </summary>
public sealed class InMemoryAgentContextStore : IAgentContextStore
{
    private readonly Dictionary<string, Entry> _contexts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task<AgentContext?> GetAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextId);
        Entry? entry;
        lock (_lock)
        {
            if (!_contexts.TryGetValue(contextId, out entry))
            {
                return Task.FromResult<AgentContext?>(null);
            }
        }

        var context = JsonSerializer.Deserialize(entry.Json, AgentContextJsonContext.Default.AgentContext)!;
        context.LastAccessedAt = entry.LastAccessedAt;
        context.AccessCount = entry.AccessCount;
        return Task.FromResult<AgentContext?>(context);
    }

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(AgentContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = JsonSerializer.SerializeToUtf8Bytes(context, AgentContextJsonContext.Default.AgentContext);
        lock (_lock)
        {
            return Task.FromResult(_contexts.TryAdd(context.Id, new Entry(json, context.Version, context.LastAccessedAt, context.AccessCount)));
        }
    }

    /// <inheritdoc />
    public Task<bool> TryUpdateAsync(AgentContext context, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = JsonSerializer.SerializeToUtf8Bytes(context, AgentContextJsonContext.Default.AgentContext);
        lock (_lock)
        {
            if (!_contexts.TryGetValue(context.Id, out var entry) || entry.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            var lastAccess = context.LastAccessedAt > entry.LastAccessedAt ? context.LastAccessedAt : entry.LastAccessedAt;
            _contexts[context.Id] = new Entry(json, context.Version, lastAccess, entry.AccessCount);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> TouchAsync(string contextId, DateTimeOffset accessedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextId);
        lock (_lock)
        {
            if (!_contexts.TryGetValue(contextId, out var entry))
            {
                return Task.FromResult(false);
            }

            _contexts[contextId] = entry with
            {
                LastAccessedAt = accessedAt > entry.LastAccessedAt ? accessedAt : entry.LastAccessedAt,
                AccessCount = entry.AccessCount + 1,
            };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextId);
        lock (_lock)
        {
            return Task.FromResult(_contexts.Remove(contextId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var idle = _contexts.Where(s => s.Value.LastAccessedAt < cutoff).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
            foreach (var id in idle)
            {
                _contexts.Remove(id);
            }

            return Task.FromResult<IReadOnlyList<string>>(idle);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _contexts.Keys.Order(StringComparer.Ordinal)]);
        }
    }

    private sealed record Entry(byte[] Json, long Version, DateTimeOffset LastAccessedAt, long AccessCount);
}
