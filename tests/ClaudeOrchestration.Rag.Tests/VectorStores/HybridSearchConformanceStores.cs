using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

public sealed class InMemoryStringKeyHybridConformanceTests : HybridSearchConformanceTests<string>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new EmbeddedMemoryVectorStore());

    protected override string Key(int i) => $"key-{i}";
}

public sealed class InMemoryIntKeyHybridConformanceTests : HybridSearchConformanceTests<int>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new EmbeddedMemoryVectorStore());

    protected override int Key(int i) => 1000 + i;
}

public sealed class SqliteStringKeyHybridConformanceTests : HybridSearchConformanceTests<string>, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<VectorStore> CreateStoreAsync()
        => Task.FromResult<VectorStore>(new EmbeddedSqliteVectorStore($"Data Source={_directory.File("store.db")}"));

    protected override string Key(int i) => $"key-{i}";

    public void Dispose() => _directory.Dispose();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Dispose();
    }
}

public sealed class SqliteLongKeyHybridConformanceTests : HybridSearchConformanceTests<long>, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<VectorStore> CreateStoreAsync()
        => Task.FromResult<VectorStore>(new EmbeddedSqliteVectorStore($"Data Source={_directory.File("store.db")}"));

    protected override long Key(int i) => 10_000_000_000L + i;

    public void Dispose() => _directory.Dispose();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Dispose();
    }
}
