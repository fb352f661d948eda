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

/// <summary>A real vector store (and context store) of one kind in a private temp folder.</summary>
internal sealed class StoreHarness : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private EmbeddedMemoryVectorStore? _inMemory;
    private InMemoryAgentContextStore? _contexts;

    public StoreHarness(StoreKind kind)
    {
        Kind = kind;
        Directory = new TempDirectory("co-ragkb-");
    }

    public StoreKind Kind { get; }

    public TempDirectory Directory { get; }

    public string KnowledgePath => Path.Combine(Directory.FullPath, "knowledge.db");

    public string ContextPath => Path.Combine(Directory.FullPath, "contexts.db");

    /// <summary>Opens the vector store: a new instance each call (for SQLite, on the same file, as after a restart).</summary>
    public VectorStore OpenVectorStore()
    {
        VectorStore store = Kind == StoreKind.Sqlite
            ? new EmbeddedSqliteVectorStore($"Data Source={KnowledgePath}")
            : _inMemory ??= new EmbeddedMemoryVectorStore();
        if (Kind == StoreKind.Sqlite)
        {
            _owned.Add(store);
        }

        return store;
    }

    public VectorStoreCollection<string, KnowledgeChunkRecord> OpenCollection(int dimensions = 384, string name = "knowledge") =>
        OpenVectorStore().GetCollection<string, KnowledgeChunkRecord>(name, KnowledgeChunkRecord.CreateDefinition(dimensions));

    public IAgentContextStore OpenContextStore()
    {
        if (Kind == StoreKind.InMemory)
        {
            return _contexts ??= new InMemoryAgentContextStore();
        }

        var store = new SqliteAgentContextStore(ContextPath);
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
