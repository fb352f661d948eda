using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

public sealed class InMemoryStringKeyConformanceTests : VectorStoreConformanceTests<string>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new EmbeddedMemoryVectorStore());

    protected override string Key(int i) => $"key-{i}";
}

public sealed class InMemoryIntKeyConformanceTests : VectorStoreConformanceTests<int>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new EmbeddedMemoryVectorStore());

    protected override int Key(int i) => i;
}
