using System.Diagnostics;
using System.Globalization;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Benchmarks.Quality;

/// <summary>
/// Hybrid against vector-only latency at scale: <c>N</c> chunks made from CISI abstracts (each abstract repeated with a
/// distinct suffix), hashing embeddings, both stores, the 76 CISI queries through the knowledge base (top 10).
/// <c>dotnet run -c Release -- quality [path] --scale 100000</c>.
/// </summary>
public static class ScaleLatencyRun
{
    public static async Task RunAsync(CisiCorpus cisi, int chunks, DirectoryInfo work)
    {
        using var embedder = new HashingEmbeddingGenerator();
        var texts = cisi.Documents.Values.ToArray();
        Console.WriteLine();
        Console.WriteLine($"| Store ({chunks:N0} chunks) | queries | ingest chunks/s | vector-only ms/query | hybrid ms/query | hybrid / vector |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var storeKind in new[] { "memory", "sqlite" })
        {
            using var store = storeKind == "memory"
                ? (VectorStore)new EmbeddedMemoryVectorStore()
                : new EmbeddedSqliteVectorStore($"Data Source={Path.Combine(work.FullName, "scale.db")}");
            var collection = store.GetCollection<string, KnowledgeChunkRecord>("scale", KnowledgeChunkRecord.CreateDefinition(384));
            await collection.EnsureCollectionExistsAsync();
            var started = Stopwatch.GetTimestamp();
            for (var offset = 0; offset < chunks; offset += 1_000)
            {
                var batch = Enumerable.Range(offset, Math.Min(1_000, chunks - offset))
                    .Select(i => (Id: i, Text: string.Create(CultureInfo.InvariantCulture, $"{texts[i % texts.Length]} (copy {i / texts.Length}, part {i % 7})")))
                    .ToList();
                var vectors = await embedder.GenerateAsync(batch.Select(b => b.Text));
                await collection.UpsertAsync(batch.Select((b, j) => new KnowledgeChunkRecord
                {
                    Key = $"d{b.Id}#0",
                    DocumentId = $"d{b.Id}",
                    ChunkCount = 1,
                    Text = b.Text,
                    Vector = vectors[j].Vector,
                }));
            }

            var ingestRate = chunks / Stopwatch.GetElapsedTime(started).TotalSeconds;
            var kb = new KnowledgeBase(collection, embedder);
            string[] full = [.. cisi.Queries.Values];

            // CISI queries are paragraphs (~50 distinct words); an agent's query is usually a few words: time both.
            string[] short8 = [.. full.Select(q => string.Join(' ', q.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(8)))];
            foreach (var (label, queries) in new[] { ("CISI (full)", full), ("first 8 words", short8) })
            {
                var vector = await TimeAsync(kb, queries, hybrid: false);
                var hybrid = await TimeAsync(kb, queries, hybrid: true);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {storeKind} | {label} | {ingestRate:F0} | {vector:F2} | {hybrid:F2} | {hybrid / vector:F2}x |"));
            }
        }

        SqliteConnection.ClearAllPools();
    }

    private static async Task<double> TimeAsync(KnowledgeBase kb, string[] queries, bool hybrid)
    {
        var options = new KnowledgeSearchOptions { Top = 10, Hybrid = hybrid };
        _ = await kb.SearchAsync(queries[0], options); // warm-up (loads the SQLite vector cache)
        var started = Stopwatch.GetTimestamp();
        foreach (var query in queries)
        {
            _ = await kb.SearchAsync(query, options);
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds / queries.Length;
    }
}
