namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>
/// The in-memory copy of one SQLite collection's vectors (keys and vector arenas, no data) and of its keyword postings (one
/// inverted index per full-text property), loaded on the first search and then kept in sync: by the store's own writes after each
/// commit, and by the change log (<see cref="SqliteSql.ChangeLogTable"/>) for writes made through other store objects or
/// processes, which a search reads before it ranks. Searches scan it under a read lock.
/// </summary>
/// <remarks>
/// The FTS5 tables stay the durable keyword index (written by triggers in each write's transaction, so they survive a crash
/// with the records); ranking from these postings instead of an FTS5 <c>bm25()</c> query is what keeps hybrid search near
/// vector-only latency: FTS5 scores every row matching any query word, which is most of a large collection.
/// </remarks>
internal sealed class SqliteVectorCache(IReadOnlyList<VectorColumnSpec> columns, IReadOnlyList<int> keywordOrdinals) : IDisposable
{
    private volatile bool _loaded;
    private long _changeSeq;

    public VectorSlotTable Table { get; } = new(columns, storesRows: false);

    /// <summary>The keyword postings of each full-text property, by its ordinal among the data properties.</summary>
    public IReadOnlyDictionary<int, Hybrid.InvertedIndex> KeywordIndexes { get; } = keywordOrdinals.ToDictionary(o => o, _ => new Hybrid.InvertedIndex());

    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Whether the vectors have been read from the database; until then writes do not touch the cache.</summary>
    public bool Loaded
    {
        get => _loaded;
        set => _loaded = value;
    }

    /// <summary>
    /// The last entry of the database's change log this cache reflects: a search that finds a later one first reads the
    /// changed records. Written only under the store's write gate.
    /// </summary>
    public long ChangeSeq
    {
        get => Volatile.Read(ref _changeSeq);
        set => Volatile.Write(ref _changeSeq, value);
    }

    /// <summary>Empties the vectors and the postings (before a load).</summary>
    public void Clear()
    {
        Table.Clear();
        foreach (var index in KeywordIndexes.Values)
        {
            index.Clear();
        }
    }

    public T Read<T>(Func<VectorSlotTable, T> read)
    {
        Lock.EnterReadLock();
        try
        {
            return read(Table);
        }
        finally
        {
            Lock.ExitReadLock();
        }
    }

    public void Write(Action<VectorSlotTable> write)
    {
        Lock.EnterWriteLock();
        try
        {
            write(Table);
        }
        finally
        {
            Lock.ExitWriteLock();
        }
    }

    public void Dispose() => Lock.Dispose();
}
