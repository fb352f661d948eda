namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>
/// The in-memory copy of one SQLite collection's vectors (keys and vector arenas, no data), loaded on the first search and
/// then kept in sync by the store's own writes after each commit. Searches scan it under a read lock.
/// </summary>
internal sealed class SqliteVectorCache(IReadOnlyList<VectorColumnSpec> columns) : IDisposable
{
    private volatile bool _loaded;

    public VectorSlotTable Table { get; } = new(columns, storesRows: false);

    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Whether the vectors have been read from the database; until then writes do not touch the cache.</summary>
    public bool Loaded
    {
        get => _loaded;
        set => _loaded = value;
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
