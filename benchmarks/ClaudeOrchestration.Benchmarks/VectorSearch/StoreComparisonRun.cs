using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using ClaudeOrchestration.Rag.Chroma;
using ClaudeOrchestration.Rag.Postgres;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Data.Sqlite;
using ClaudeOrchestration.Rag.VectorStores.Hnsw;
using Microsoft.Extensions.VectorData;
using static ClaudeOrchestration.Benchmarks.StopwatchRuns;

namespace ClaudeOrchestration.Benchmarks.VectorSearch;

/// <summary>
/// The same top-10 cosine search on every store in one run (issue 10): bulk ingest rate, then QPS, p50/p99 latency and
/// recall@10 against an exact brute-force answer computed once with <see cref="TensorPrimitives"/>.
/// <c>dotnet run -c Release -- stores [--count 100000] [--chroma-count N] [--postgres-count N] [--queries 200] [--data lowrank|uniform]
/// [--only memory,memory-hnsw,sqlite,sqlite-hnsw,chroma,postgres] [--ef-search 64,128] [--m 16] [--ef-construction 100]</c>.
/// The <c>-hnsw</c> stores are the embedded stores with the vector property declared <c>IndexKind.Hnsw</c>, one row per
/// <c>--ef-search</c> value (each a fresh store and graph, seed 1); they are not in the default <c>--only</c> list.
/// Chroma and Postgres are measured when <c>CLAUDE_ORCHESTRATION_TEST_CHROMA_URL</c> /
/// <c>CLAUDE_ORCHESTRATION_TEST_POSTGRES</c> are set (<c>scripts/tools.sh</c>, <c>start_test_servers</c>).
/// </summary>
/// <remarks>
/// A multi-minute ingest is the set-up here, so this is a plain Stopwatch loop rather than BenchmarkDotNet: each store is
/// filled once (that fill is the ingest measurement), warmed with a few queries, then every query is timed on its own.
/// </remarks>
public static class StoreComparisonRun
{
    private const int Top = 10;
    private const int WarmupQueries = 10;
    private const int IngestBatch = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = IntOption(args, "--count", 100_000);
        var postgresCount = IntOption(args, "--postgres-count", count);
        var chromaCount = IntOption(args, "--chroma-count", count);
        var queryCount = IntOption(args, "--queries", 200);
        var data = StringOption(args, "--data", "lowrank");
        var only = StringOption(args, "--only", "memory,sqlite,chroma,postgres").Split(',');
        var efSearches = IntListOption(args, "--ef-search", "64");
        var m = IntOption(args, "--m", 16);
        var efConstruction = IntOption(args, "--ef-construction", 100);
        HnswIndexOptions Hnsw(int ef) => new() { M = m, EfConstruction = efConstruction, EfSearch = ef, Seed = 1 };
        string HnswLabel(int ef) => string.Create(CultureInfo.InvariantCulture, $"HNSW M {m}, ef_construction {efConstruction}, ef_search {ef}");
        var dimensions = VectorSearchBenchmarks.Dimensions;

        var maxCount = Math.Max(count, Math.Max(postgresCount, chromaCount));
        Console.WriteLine($"Generating {maxCount:N0} + {queryCount} {data} unit vectors of {dimensions} dimensions (seed 42)...");
        var all = data == "uniform"
            ? BenchmarkData.UnitVectors(maxCount + queryCount, dimensions, seed: 42)
            : BenchmarkData.LowRankUnitVectors(maxCount + queryCount, dimensions, rank: 32, seed: 42);
        var vectors = all[..maxCount];
        var queries = all[maxCount..];

        var truths = new Dictionary<int, int[][]>();
        int[][] Truth(int n)
        {
            if (!truths.TryGetValue(n, out var truth))
            {
                var started = Stopwatch.GetTimestamp();
                truth = [.. queries.Select(q => ExactTop(vectors, n, q))];
                truths[n] = truth;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exact top-{Top} of {queries.Length} queries over {n:N0} vectors: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
            }

            return truth;
        }

        var rows = new List<string>();
        var work = Directory.CreateTempSubdirectory("co-stores-");
        try
        {
            // The embedded stores run at every size asked for, so that a server measured at a smaller size has a like-for-like row.
            foreach (var n in new[] { count, chromaCount, postgresCount }.Distinct().Order().Reverse())
            {
                if (only.Contains("memory"))
                {
                    using var store = new EmbeddedMemoryVectorStore();
                    rows.Add(await MeasureAsync("in-memory (exact)", store, vectors, n, queries, Truth(n)));
                }

                if (only.Contains("sqlite"))
                {
                    using var store = new EmbeddedSqliteVectorStore($"Data Source={Path.Combine(work.FullName, $"stores-{n}.db")}");
                    rows.Add(await MeasureAsync("SQLite (exact, vectors cached)", store, vectors, n, queries, Truth(n)));
                }

                foreach (var ef in only.Contains("memory-hnsw") ? efSearches : [])
                {
                    using var store = new EmbeddedMemoryVectorStore(new EmbeddedMemoryVectorStoreOptions { Hnsw = Hnsw(ef) });
                    rows.Add(await MeasureAsync($"in-memory ({HnswLabel(ef)})", store, vectors, n, queries, Truth(n), HnswDefinition));
                }

                foreach (var ef in only.Contains("sqlite-hnsw") ? efSearches : [])
                {
                    using var store = new EmbeddedSqliteVectorStore(
                        $"Data Source={Path.Combine(work.FullName, $"stores-{n}-hnsw-{ef}.db")}", new EmbeddedSqliteVectorStoreOptions { Hnsw = Hnsw(ef) });
                    rows.Add(await MeasureAsync($"SQLite ({HnswLabel(ef)}, graph built at first search)", store, vectors, n, queries, Truth(n), HnswDefinition));
                }
            }

            var chromaUrl = Environment.GetEnvironmentVariable("CLAUDE_ORCHESTRATION_TEST_CHROMA_URL");
            if (only.Contains("chroma"))
            {
                if (string.IsNullOrEmpty(chromaUrl))
                {
                    Console.WriteLine("Chroma skipped: CLAUDE_ORCHESTRATION_TEST_CHROMA_URL is not set.");
                }
                else
                {
                    using var store = new ChromaVectorStore(new ChromaVectorStoreOptions { Endpoint = new Uri(chromaUrl), Timeout = TimeSpan.FromMinutes(5) });
                    rows.Add(await MeasureAsync("Chroma 1.0 (HNSW, server defaults)", store, vectors, chromaCount, queries, Truth(chromaCount)));
                }
            }

            var postgres = Environment.GetEnvironmentVariable("CLAUDE_ORCHESTRATION_TEST_POSTGRES");
            if (only.Contains("postgres"))
            {
                if (string.IsNullOrEmpty(postgres))
                {
                    Console.WriteLine("Postgres skipped: CLAUDE_ORCHESTRATION_TEST_POSTGRES is not set.");
                }
                else
                {
                    using var store = new PostgresVectorStore(new PostgresVectorStoreOptions { ConnectionString = postgres, Timeout = Timeout.InfiniteTimeSpan });
                    rows.Add(await MeasureAsync("PGlite + pgvector (HNSW m 16, ef_construction 64, ef_search 100)", store, vectors, postgresCount, queries, Truth(postgresCount)));
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"{data} data, {dimensions} dimensions, top {Top}, {queries.Length} queries each (after {WarmupQueries} warm-up), one at a time");
        Console.WriteLine();
        Console.WriteLine("| Store | records | ingest records/s | ingest | first search | QPS | p50 | p99 | recall@10 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    /// <summary>The <see cref="StoreDocument"/> model with its vector indexed by HNSW instead of the default exact scan.</summary>
    private static readonly VectorStoreCollectionDefinition HnswDefinition = new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(StoreDocument.Id), typeof(string)),
            new VectorStoreDataProperty(nameof(StoreDocument.Title), typeof(string)),
            new VectorStoreVectorProperty(nameof(StoreDocument.Embedding), typeof(ReadOnlyMemory<float>), VectorSearchBenchmarks.Dimensions)
            {
                DistanceFunction = DistanceFunction.CosineSimilarity,
                IndexKind = IndexKind.Hnsw,
            },
        ],
    };

    private static async Task<string> MeasureAsync(
        string label, VectorStore store, float[][] vectors, int count, float[][] queries, int[][] truth, VectorStoreCollectionDefinition? definition = null)
    {
        var name = "bench" + Guid.NewGuid().ToString("N")[..8];
        var collection = store.GetCollection<string, StoreDocument>(name, definition);
        await collection.EnsureCollectionExistsAsync();
        try
        {
            Console.WriteLine($"{label}: ingesting {count:N0} records...");
            var started = Stopwatch.GetTimestamp();
            for (var offset = 0; offset < count; offset += IngestBatch)
            {
                var n = Math.Min(IngestBatch, count - offset);
                await collection.UpsertAsync(Enumerable.Range(offset, n).Select(i => new StoreDocument { Id = i.ToString(CultureInfo.InvariantCulture), Title = $"doc {i}", Embedding = vectors[i] }).ToList());
                if ((offset / IngestBatch) % 20 == 19)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {offset + n:N0} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s"));
                }
            }

            var ingestSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

            // The first search is timed on its own: it is where the SQLite store loads its vectors (and builds an HNSW graph).
            var first = Stopwatch.GetTimestamp();
            _ = await collection.SearchAsync(queries[0], Top).CountAsync();
            var firstSeconds = Stopwatch.GetElapsedTime(first).TotalSeconds;
            for (var i = 1; i < WarmupQueries; i++)
            {
                _ = await collection.SearchAsync(queries[i % queries.Length], Top).CountAsync();
            }

            var latencies = new double[queries.Length];
            double recall = 0;
            var all = Stopwatch.GetTimestamp();
            for (var q = 0; q < queries.Length; q++)
            {
                var one = Stopwatch.GetTimestamp();
                var found = await collection.SearchAsync(queries[q], Top).Select(r => int.Parse(r.Record.Id, CultureInfo.InvariantCulture)).ToListAsync();
                latencies[q] = Stopwatch.GetElapsedTime(one).TotalMilliseconds;
                recall += found.Intersect(truth[q]).Count() / (double)Top;
            }

            var total = Stopwatch.GetElapsedTime(all).TotalSeconds;
            Array.Sort(latencies);
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {count:N0} | {count / ingestSeconds:N0} | {ingestSeconds:F1} s | {firstSeconds:F2} s | {queries.Length / total:N0} | {Percentile(latencies, 0.50):F2} ms | {Percentile(latencies, 0.99):F2} ms | {recall / queries.Length:F3} |");
            Console.WriteLine(row);
            return row;
        }
        catch (Exception ex)
        {
            // One store failing (a server timing out under load) must not lose the other stores' rows.
            var row = $"| {label} | {count:N0} | failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} | | | | | | |";
            Console.WriteLine(row);
            return row;
        }
        finally
        {
            try
            {
                await collection.EnsureCollectionDeletedAsync();
            }
            catch (Exception ex) when (ex is VectorStoreException or TimeoutException)
            {
                Console.WriteLine($"{label}: could not delete collection {name}: {ex.Message}");
            }
        }
    }

    /// <summary>The exact top-k ids by dot product (the vectors are unit length, so this is cosine similarity).</summary>
    private static int[] ExactTop(float[][] vectors, int count, float[] query)
    {
        var scores = new float[count];
        for (var i = 0; i < count; i++)
        {
            scores[i] = TensorPrimitives.Dot(query, vectors[i]);
        }

        var ids = Enumerable.Range(0, count).ToArray();
        Array.Sort(scores, ids);
        return ids[^Top..];
    }
}

/// <summary>
/// The record of the store comparison. String keys: the one key type every connector supports the same way (Chroma's
/// <c>int</c> keys failed on read-back in this run: <c>Int64</c> cannot be converted to <c>Int32</c>).
/// </summary>
public sealed class StoreDocument
{
    [VectorStoreKey]
    public string Id { get; set; } = string.Empty;

    [VectorStoreData]
    public string Title { get; set; } = string.Empty;

    [VectorStoreVector(VectorSearchBenchmarks.Dimensions, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
