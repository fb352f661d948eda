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

    /// <summary>The keyword ordinals, in the order <see cref="Put"/> takes the texts.</summary>
    private readonly IReadOnlyList<int> _keywordOrdinals = keywordOrdinals;

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

    /// <summary>
    /// Adds or replaces a record: its vectors (one per column) and the texts of its full-text properties, in the order of the
    /// keyword ordinals the cache was created with. Call inside <see cref="Write"/>, or while the cache is not loaded yet.
    /// </summary>
    public void Put(object key, ReadOnlySpan<ReadOnlyMemory<float>> vectors, IReadOnlyList<string?> texts)
    {
        Table.Upsert(key, vectors, null);
        for (var k = 0; k < _keywordOrdinals.Count; k++)
        {
            KeywordIndexes[_keywordOrdinals[k]].Upsert(key, texts[k]);
        }
    }

    /// <summary>Removes a record's vectors and postings. Call inside <see cref="Write"/>.</summary>
    public void Remove(object key)
    {
        _ = Table.Remove(key);
        foreach (var index in KeywordIndexes.Values)
        {
            _ = index.Remove(key);
        }
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

    /// <summary>Runs <paramref name="write"/> (calls of <see cref="Put"/> and <see cref="Remove"/>) under the write lock.</summary>
    public void Write(Action write)
    {
        Lock.EnterWriteLock();
        try
        {
            write();
        }
        finally
        {
            Lock.ExitWriteLock();
        }
    }

    public void Dispose() => Lock.Dispose();
}
