using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// A small LRU cache of assembled contexts. An entry is valid only for the context version and knowledge version it
/// was built from, so a stale entry is never served even if an explicit invalidation was missed (another process).
/// </summary>
internal sealed class ContextCache(int capacity)
{
    private readonly Dictionary<Key, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();

    public bool TryGet(Key key, long contextVersion, KnowledgeStamp knowledgeVersion, out RelevantContext? context)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (node.Value.ContextVersion == contextVersion && node.Value.KnowledgeVersion == knowledgeVersion)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    context = node.Value.Context;
                    return true;
                }

                _recency.Remove(node);
                _entries.Remove(key);
            }
        }

        context = null;
        return false;
    }

    public void Set(Key key, long contextVersion, KnowledgeStamp knowledgeVersion, RelevantContext context)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.Remove(key, out var existing))
            {
                _recency.Remove(existing);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, contextVersion, knowledgeVersion, context));
            while (_entries.Count > capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }

    public void RemoveContext(string contextId)
    {
        lock (_lock)
        {
            var node = _recency.First;
            while (node is not null)
            {
                var next = node.Next;
                if (string.Equals(node.Value.Key.ContextId, contextId, StringComparison.Ordinal))
                {
                    _recency.Remove(node);
                    _entries.Remove(node.Value.Key);
                }

                node = next;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>What a cached context depends on besides versions: the context, the query and the request options.</summary>
    internal readonly record struct Key(string ContextId, string Query, string Options);

    private sealed record Entry(Key Key, long ContextVersion, KnowledgeStamp KnowledgeVersion, RelevantContext Context);
}

/// <summary>
/// What a cached context was assembled from on the knowledge side: the knowledge base's <see cref="IKnowledgeBase.Version"/>
/// (its own writes) and, on a SQLite store, the database's newest change (the writes of other processes on the file).
/// </summary>
internal readonly record struct KnowledgeStamp(long Local, long Shared)
{
    public static async ValueTask<KnowledgeStamp> ReadAsync(IKnowledgeBase? knowledge, CancellationToken cancellationToken) => knowledge switch
    {
        null => default,
        KnowledgeBase own => new(own.Version, await own.SharedChangeAsync(cancellationToken).ConfigureAwait(false)),
        _ => new(knowledge.Version, 0),
    };
}
