using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Benchmarks.VectorSearch;

/// <summary>
/// Exact top-10 cosine search over 100k x 384 random unit vectors, next to the memory-bandwidth limit measured in the same
/// run: a bare <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> over the same number of floats
/// with no top-k and no records (the baseline). QPS = 1 / mean.
/// </summary>
[MemoryDiagnoser]
public class VectorSearchBenchmarks
{
    internal const int Count = 100_000;
    internal const int Dimensions = 384;
    private const int Top = 10;

    private float[] _arena = [];
    private float[] _query = [];
    private EmbeddedMemoryVectorStore? _inMemoryStore;
    private VectorStoreCollection<int, BenchmarkDocument>? _inMemory;
    private EmbeddedSqliteVectorStore? _sqliteStore;
    private VectorStoreCollection<int, BenchmarkDocument>? _sqlite;
    private string? _sqliteDirectory;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var vectors = BenchmarkData.UnitVectors(Count, Dimensions, seed: 42);
        _arena = new float[Count * Dimensions];
        for (var i = 0; i < Count; i++)
        {
            vectors[i].CopyTo(_arena.AsSpan(i * Dimensions));
        }

        _query = BenchmarkData.UnitVectors(1, Dimensions, seed: 7)[0];

        _inMemoryStore = new EmbeddedMemoryVectorStore();
        _inMemory = _inMemoryStore.GetCollection<int, BenchmarkDocument>("bench");
        await _inMemory.EnsureCollectionExistsAsync();
        await BenchmarkData.UpsertAsync(_inMemory, vectors);

        _sqliteDirectory = Path.Combine(Path.GetTempPath(), "co-bench-" + Guid.NewGuid().ToString("N"));
        _sqliteStore = new EmbeddedSqliteVectorStore($"Data Source={Path.Combine(_sqliteDirectory, "bench.db")}");
        _sqlite = _sqliteStore.GetCollection<int, BenchmarkDocument>("bench");
        await _sqlite.EnsureCollectionExistsAsync();
        await BenchmarkData.UpsertAsync(_sqlite, vectors);
        _ = await _sqlite.SearchAsync(_query, Top).CountAsync(); // load the vector cache
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inMemoryStore?.Dispose();
        _sqliteStore?.Dispose();
        if (_sqliteDirectory is not null)
        {
            Directory.Delete(_sqliteDirectory, recursive: true);
        }
    }

    /// <summary>The memory-bandwidth limit: one dot product per vector, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public float BareDotScan()
    {
        var query = _query.AsSpan();
        var arena = _arena.AsSpan();
        var sum = 0f;
        for (var i = 0; i < Count; i++)
        {
            sum += TensorPrimitives.Dot(query, arena.Slice(i * Dimensions, Dimensions));
        }

        return sum;
    }

    /// <summary>Exact top-10 cosine search through the MEVD API of the in-memory store (records materialised).</summary>
    [Benchmark]
    public async Task<int> InMemorySearch() => await _inMemory!.SearchAsync(_query, Top).CountAsync();

    /// <summary>The same search through the SQLite store (vectors cached in memory; the 10 records read from SQLite).</summary>
    [Benchmark]
    public async Task<int> SqliteSearch() => await _sqlite!.SearchAsync(_query, Top).CountAsync();
}

/// <summary>The record the vector-search benchmarks store.</summary>
public sealed class BenchmarkDocument
{
    [VectorStoreKey]
    public int Id { get; set; }

    [VectorStoreData]
    public string Title { get; set; } = string.Empty;

    [VectorStoreVector(VectorSearchBenchmarks.Dimensions, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}

internal static class BenchmarkData
{
    /// <summary>Deterministic random vectors of unit length.</summary>
    public static float[][] UnitVectors(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var vector = new float[dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] = (float)((random.NextDouble() * 2) - 1);
            }

            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
            vectors[i] = vector;
        }

        return vectors;
    }

    /// <summary>Deterministic unit vectors spanned by <paramref name="rank"/> random directions plus 5% noise.</summary>
    public static float[][] LowRankUnitVectors(int count, int dimensions, int rank, int seed)
    {
        var basis = UnitVectors(rank, dimensions, seed);
        var random = new Random(seed + 1);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var vector = new float[dimensions];
            for (var r = 0; r < rank; r++)
            {
                TensorPrimitives.MultiplyAdd(basis[r], (float)((random.NextDouble() * 2) - 1), vector, vector);
            }

            for (var d = 0; d < dimensions; d++)
            {
                vector[d] += (float)(((random.NextDouble() * 2) - 1) * 0.05);
            }

            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
            vectors[i] = vector;
        }

        return vectors;
    }

    public static async Task UpsertAsync(VectorStoreCollection<int, BenchmarkDocument> collection, float[][] vectors)
    {
        foreach (var chunk in Enumerable.Range(0, vectors.Length).Chunk(5_000))
        {
            await collection.UpsertAsync(chunk.Select(i => new BenchmarkDocument { Id = i, Title = $"doc {i}", Embedding = vectors[i] }).ToList());
        }
    }
}
