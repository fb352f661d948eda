using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;

/// <summary>The record every store under <see cref="VectorStoreConformanceTests{TKey}"/> stores and searches.</summary>
/// <typeparam name="TKey">The store's key type.</typeparam>
public sealed class ConformanceRecord<TKey>
    where TKey : notnull
{
    /// <summary>The dimensions of <see cref="Embedding"/> unless a test's definition overrides them.</summary>
    public const int Dimensions = 4;

    [VectorStoreKey]
    public TKey Key { get; set; } = default!;

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = string.Empty;

    [VectorStoreData]
    public string? Title { get; set; }

    [VectorStoreData]
    public int Rating { get; set; }

    [VectorStoreData]
    public double Price { get; set; }

    [VectorStoreData]
    public bool InStock { get; set; }

    [VectorStoreData]
    public string[] Tags { get; set; } = [];

    [VectorStoreVector(Dimensions, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}

/// <summary>Definitions for <see cref="ConformanceRecord{TKey}"/>.</summary>
public static class ConformanceRecordDefinition
{
    /// <summary>A definition overriding the vector property's distance function and dimensions (attributes give the rest).</summary>
    public static VectorStoreCollectionDefinition Create(string distanceFunction, int dimensions) => new()
    {
        Properties =
        [
            new VectorStoreVectorProperty(nameof(ConformanceRecord<string>.Embedding), typeof(ReadOnlyMemory<float>), dimensions) { DistanceFunction = distanceFunction },
        ],
    };
}
