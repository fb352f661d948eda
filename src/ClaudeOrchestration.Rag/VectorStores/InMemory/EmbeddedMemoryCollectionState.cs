namespace ClaudeOrchestration.Rag.VectorStores.InMemory;

/// <summary>
/// The storage of one in-memory collection, shared by every collection object the store hands out for that name:
/// the slot table (keys, rows, vector arenas) behind a reader-writer lock, so searches and reads run concurrently and
/// writes are exclusive and short (vectors are validated and embeddings generated before the lock is taken).
/// </summary>
internal sealed class EmbeddedMemoryCollectionState(string signature, VectorSlotTable table, IReadOnlyList<int> fullTextOrdinals) : IDisposable
{
    /// <summary>The schema the collection was created with; see <see cref="RecordBinding{TKey, TRecord}.Signature"/>.</summary>
    public string Signature { get; } = signature;

    public VectorSlotTable Table { get; } = table;

    /// <summary>
    /// One keyword index per full-text property, by row ordinal, updated under the write lock together with <see cref="Table"/>,
    /// so a reader never sees a record without its terms or terms without their record.
    /// </summary>
    public IReadOnlyDictionary<int, Hybrid.InvertedIndex> KeywordIndexes { get; } = fullTextOrdinals.ToDictionary(o => o, _ => new Hybrid.InvertedIndex());

    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Runs <paramref name="read"/> under the read lock.</summary>
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

    /// <summary>Runs <paramref name="write"/> under the write lock.</summary>
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
