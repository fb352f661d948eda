using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ClaudeOrchestration.Rag.VectorStores.Hnsw;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Benchmarks.VectorSearch;

/// <summary>
/// Approximate top-10 cosine search through an HNSW index (IndexKind.Hnsw) of the in-memory store over the same
/// 100k x 384 random unit vectors as <see cref="VectorSearchBenchmarks"/>. The setup prints the build time and recall@10
/// against exact search over 200 queries. Two datasets: <c>Uniform</c> random unit vectors (the worst case for any graph
/// index: in 384 dimensions every point is almost equally far from every other) and <c>LowRank</c> unit vectors spanned by
/// 32 latent directions plus noise, closer to real text embeddings, whose intrinsic dimension is low.
/// The low Uniform recall (about 0.08 at efSearch 64) is inherent to the data, not a defect of the index: hnswlib with the
/// same M and efConstruction, fed the same vectors, reaches the same recall at 10k, 20k and 100k vectors.
/// </summary>
[MemoryDiagnoser]
public class HnswSearchBenchmarks
{
    private const int Top = 10;
    private const int RecallQueries = 200;

    private EmbeddedMemoryVectorStore? _store;
    private VectorStoreCollection<int, BenchmarkDocument>? _hnsw;
    private float[] _query = [];

    public enum DatasetKind
    {
        Uniform,
        LowRank,
    }

    [Params(DatasetKind.Uniform, DatasetKind.LowRank)]
    public DatasetKind Dataset { get; set; }

    [Params(64, 256)]
    public int EfSearch { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var all = Dataset == DatasetKind.Uniform
            ? BenchmarkData.UnitVectors(VectorSearchBenchmarks.Count + RecallQueries + 1, VectorSearchBenchmarks.Dimensions, seed: 42)
            : BenchmarkData.LowRankUnitVectors(VectorSearchBenchmarks.Count + RecallQueries + 1, VectorSearchBenchmarks.Dimensions, rank: 32, seed: 42);
        var vectors = all[..VectorSearchBenchmarks.Count];
        var queries = all[VectorSearchBenchmarks.Count..^1];
        _query = all[^1];
        _store = new EmbeddedMemoryVectorStore(new EmbeddedMemoryVectorStoreOptions { Hnsw = new HnswIndexOptions { M = 16, EfConstruction = 100, EfSearch = EfSearch, Seed = 1 } });

        var exact = _store.GetCollection<int, BenchmarkDocument>("exact");
        await exact.EnsureCollectionExistsAsync();
        await BenchmarkData.UpsertAsync(exact, vectors);

        _hnsw = _store.GetCollection<int, BenchmarkDocument>("hnsw", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreVectorProperty(nameof(BenchmarkDocument.Embedding), typeof(ReadOnlyMemory<float>), VectorSearchBenchmarks.Dimensions)
                {
                    DistanceFunction = DistanceFunction.CosineSimilarity,
                    IndexKind = IndexKind.Hnsw,
                },
            ],
        });
        await _hnsw.EnsureCollectionExistsAsync();
        var build = Stopwatch.StartNew();
        await BenchmarkData.UpsertAsync(_hnsw, vectors);
        build.Stop();

        var found = 0;
        foreach (var query in queries)
        {
            var truth = await exact.SearchAsync(query, Top).Select(r => r.Record.Id).ToHashSetAsync();
            found += await _hnsw.SearchAsync(query, Top).CountAsync(r => truth.Contains(r.Record.Id));
        }

        Console.WriteLine(
            $"// HNSW {Dataset} M=16 efConstruction=100 efSearch={EfSearch}: build {build.Elapsed.TotalSeconds:F1} s for {VectorSearchBenchmarks.Count} vectors, "
            + $"recall@10 = {found / (double)(RecallQueries * Top):F3} over {RecallQueries} queries");
    }

    [GlobalCleanup]
    public void Cleanup() => _store?.Dispose();

    [Benchmark]
    public async Task<int> HnswSearch() => await _hnsw!.SearchAsync(_query, Top).CountAsync();
}
