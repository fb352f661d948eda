using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Chroma.Tests;

public sealed class ChromaStringKeyConformanceTests(ChromaServerFixture server) : VectorStoreConformanceTests<string>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new ChromaVectorStore(server.Options()));

    protected override float VectorTolerance => ChromaServerFixture.CosineVectorTolerance;

    protected override string Key(int i) => $"key-{i}";
}

public sealed class ChromaGuidKeyConformanceTests(ChromaServerFixture server) : VectorStoreConformanceTests<Guid>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new ChromaVectorStore(server.Options()));

    protected override float VectorTolerance => ChromaServerFixture.CosineVectorTolerance;

    protected override Guid Key(int i) => new(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]);
}

public sealed class ChromaLongKeyConformanceTests(ChromaServerFixture server) : VectorStoreConformanceTests<long>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new ChromaVectorStore(server.Options()));

    protected override float VectorTolerance => ChromaServerFixture.CosineVectorTolerance;

    protected override long Key(int i) => 10_000_000_000L + i;
}

public sealed class ChromaIntKeyConformanceTests(ChromaServerFixture server) : VectorStoreConformanceTests<int>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new ChromaVectorStore(server.Options()));

    protected override float VectorTolerance => ChromaServerFixture.CosineVectorTolerance;

    protected override int Key(int i) => 1_000 + i;
}
