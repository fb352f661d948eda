using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

public sealed class SqliteStringKeyConformanceTests : VectorStoreConformanceTests<string>, IDisposable
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

public sealed class SqliteLongKeyConformanceTests : VectorStoreConformanceTests<long>, IDisposable
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

public sealed class SqliteGuidKeyConformanceTests : VectorStoreConformanceTests<Guid>, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<VectorStore> CreateStoreAsync()
        => Task.FromResult<VectorStore>(new EmbeddedSqliteVectorStore($"Data Source={_directory.File("store.db")}"));

    protected override Guid Key(int i) => new(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]);

    public void Dispose() => _directory.Dispose();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Dispose();
    }
}
