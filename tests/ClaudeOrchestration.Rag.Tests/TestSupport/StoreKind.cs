using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using ClaudeOrchestration.TestUtilities;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.TestSupport;

/// <summary>The real stores the knowledge base and context manager are proven on.</summary>
public enum StoreKind
{
    InMemory,
    Sqlite,
}

/// <summary>A real vector store (and session store) of one kind in a private temp folder.</summary>
internal sealed class StoreHarness : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private InMemoryVectorStore? _inMemory;
    private InMemorySessionStore? _sessions;

    public StoreHarness(StoreKind kind)
    {
        Kind = kind;
        Directory = new TempDirectory("co-ragkb-");
    }

    public StoreKind Kind { get; }

    public TempDirectory Directory { get; }

    public string KnowledgePath => Path.Combine(Directory.FullPath, "knowledge.db");

    public string SessionPath => Path.Combine(Directory.FullPath, "sessions.db");

    /// <summary>Opens the vector store: a new instance each call (for SQLite, on the same file, as after a restart).</summary>
    public VectorStore OpenVectorStore()
    {
        VectorStore store = Kind == StoreKind.Sqlite
            ? new SqliteVectorStore($"Data Source={KnowledgePath}")
            : _inMemory ??= new InMemoryVectorStore();
        if (Kind == StoreKind.Sqlite)
        {
            _owned.Add(store);
        }

        return store;
    }

    public VectorStoreCollection<string, KnowledgeChunkRecord> OpenCollection(int dimensions = 384, string name = "knowledge") =>
        OpenVectorStore().GetCollection<string, KnowledgeChunkRecord>(name, KnowledgeChunkRecord.CreateDefinition(dimensions));

    public ISessionStore OpenSessionStore()
    {
        if (Kind == StoreKind.InMemory)
        {
            return _sessions ??= new InMemorySessionStore();
        }

        var store = new SqliteSessionStore(SessionPath);
        _owned.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _inMemory?.Dispose();
        Directory.Dispose();
    }
}
