using System.Diagnostics;
using System.Globalization;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.LocalEmbeddings;
using ClaudeOrchestration.Rag.VectorStores.Hybrid;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Benchmarks.Quality;

/// <summary>
/// Retrieval quality on CISI: every configuration of the knowledge base (hashing or MiniLM embeddings; vector only, keyword
/// only, hybrid; in-memory and SQLite stores) and, as the reference nobody here wrote, SQLite FTS5's own <c>bm25()</c> over
/// the same text, queried directly. Prints a markdown table of nDCG@10, MAP@100, Recall@100, P@10 and ms/query.
/// <c>dotnet run -c Release -- quality [path-to-ir-folder] [--no-semantic] [--store memory|sqlite] [--scale 100000 [--scale-only]]</c>.
/// </summary>
public static class RetrievalQualityRun
{
    private const int Depth = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !a.All(char.IsDigit))
            ?? FindSharedData() ?? throw new DirectoryNotFoundException("Pass the folder holding cisi/ (e.g. ../shared/data/ir).");
        var cisi = CisiCorpus.Load(Directory.Exists(Path.Combine(root, "cisi")) ? Path.Combine(root, "cisi") : root);
        var semantic = !args.Contains("--no-semantic");
        var scaleAt = Array.IndexOf(args, "--scale");
        var scale = scaleAt >= 0 && scaleAt + 1 < args.Length ? int.Parse(args[scaleAt + 1], CultureInfo.InvariantCulture) : 0;
        var runQuality = !args.Contains("--scale-only");
        var storeAt = Array.IndexOf(args, "--store");
        string[] stores = storeAt >= 0 && storeAt + 1 < args.Length ? [args[storeAt + 1]] : ["memory", "sqlite"];
        Console.WriteLine($"CISI: {cisi.Documents.Count} documents, {cisi.Queries.Count} judged queries; {Environment.ProcessorCount} cores.");
        var work = Directory.CreateTempSubdirectory("co-quality-");
        var rows = new List<string>();
        try
        {
            if (scale > 0)
            {
                await ScaleLatencyRun.RunAsync(cisi, scale, work);
            }

            if (runQuality)
            {
                rows.Add(Row("Reference BM25 (SQLite FTS5 `bm25()`, direct)", "sqlite", await EvaluateAsync(cisi, ReferenceBm25(cisi, Path.Combine(work.FullName, "reference.db")))));

                using var hashing = new HashingEmbeddingGenerator();
                await RunEmbedderAsync(cisi, work, "hashing", hashing, stores, rows);
                if (semantic)
                {
                    using var miniLm = new MiniLmEmbeddingGenerator();
                    await RunEmbedderAsync(cisi, work, "MiniLM", miniLm, stores, rows);
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        Console.WriteLine();
        Console.WriteLine("| Configuration | Store | nDCG@10 | MAP@100 | Recall@100 | P@10 | ms/query |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task RunEmbedderAsync(CisiCorpus cisi, DirectoryInfo work, string name, IEmbeddingGenerator<string, Embedding<float>> embedder, string[] stores, List<string> rows)
    {
        foreach (var storeKind in stores)
        {
            var fusions = storeKind == "memory" && name == "hashing"
                ? new[] { HybridFusionMethod.ReciprocalRank, HybridFusionMethod.NormalizedScore }
                : [HybridFusionMethod.ReciprocalRank];
            foreach (var fusion in fusions)
            {
                using var store = storeKind == "memory"
                    ? (VectorStore)new EmbeddedMemoryVectorStore(new EmbeddedMemoryVectorStoreOptions { HybridFusion = fusion })
                    : new EmbeddedSqliteVectorStore($"Data Source={Path.Combine(work.FullName, $"{name}-{fusion}.db")}", new EmbeddedSqliteVectorStoreOptions { HybridFusion = fusion });
                var collection = store.GetCollection<string, KnowledgeChunkRecord>("cisi", KnowledgeChunkRecord.CreateDefinition(384));
                var kb = new KnowledgeBase(collection, embedder);
                var started = Stopwatch.GetTimestamp();
                var chunks = 0;
                foreach (var (id, text) in cisi.Documents)
                {
                    chunks += (await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = id, Text = text })).ChunkCount;
                }

                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                Console.WriteLine($"{name}/{storeKind}/{fusion}: ingested {cisi.Documents.Count} documents ({chunks} chunks) in {seconds:F1} s = {cisi.Documents.Count / seconds:F0} docs/s");

                if (fusion == HybridFusionMethod.ReciprocalRank)
                {
                    rows.Add(Row($"{name} vector only", storeKind, await EvaluateAsync(cisi, q => KnowledgeSearch(kb, q, hybrid: false))));
                    if (name == "hashing")
                    {
                        rows.Add(Row(storeKind == "sqlite" ? "keyword only (our FTS5 table, `bm25()`)" : "keyword only (our inverted index)", storeKind, await EvaluateAsync(cisi, q => KeywordOnly(collection, q))));
                    }
                }

                var label = fusion == HybridFusionMethod.ReciprocalRank ? $"{name} hybrid (default, RRF)" : $"{name} hybrid, min-max score fusion";
                rows.Add(Row(label, storeKind, await EvaluateAsync(cisi, q => KnowledgeSearch(kb, q, hybrid: true))));
            }
        }
    }

    private static async Task<IReadOnlyList<string>> KnowledgeSearch(KnowledgeBase kb, string query, bool hybrid)
    {
        // Chunks → documents: the first (best) chunk of each document counts; CISI abstracts are mostly one chunk.
        var results = await kb.SearchAsync(query, new KnowledgeSearchOptions { Top = Depth + 20, HybridCandidates = Depth + 20, Hybrid = hybrid });
        return [.. results.Select(r => r.DocumentId).Distinct().Take(Depth)];
    }

    private static async Task<IReadOnlyList<string>> KeywordOnly(VectorStoreCollection<string, KnowledgeChunkRecord> collection, string query)
    {
        var ranked = collection switch
        {
            EmbeddedMemoryCollection<string, KnowledgeChunkRecord> memory => memory.RankByKeywords([query], Depth + 20),
            EmbeddedSqliteCollection<string, KnowledgeChunkRecord> sqlite => await sqlite.RankByKeywordsAsync([query], Depth + 20, default),
            _ => throw new NotSupportedException(),
        };
        return [.. ranked.Select(r => ((string)r.Key).Split('#')[0]).Distinct().Take(Depth)];
    }

    /// <summary>A plain FTS5 table over the same text, queried with FTS5's own bm25(): every query word OR-ed.</summary>
    private static Func<string, Task<IReadOnlyList<string>>> ReferenceBm25(CisiCorpus cisi, string path)
    {
        var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize = 'porter unicode61');";
            create.ExecuteNonQuery();
        }

        using (var transaction = connection.BeginTransaction())
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO docs (id, body) VALUES (@id, @body);";
            var id = insert.Parameters.Add("@id", SqliteType.Text);
            var body = insert.Parameters.Add("@body", SqliteType.Text);
            foreach (var (docId, text) in cisi.Documents)
            {
                id.Value = docId;
                body.Value = text;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return query =>
        {
            var words = query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(w => new string([.. w.Where(char.IsLetterOrDigit)]).ToLowerInvariant())
                .Where(w => w.Length > 0)
                .Distinct()
                .Select(w => "\"" + w + "\"");
            using var search = connection.CreateCommand();
            search.CommandText = $"SELECT id FROM docs WHERE docs MATCH @q ORDER BY bm25(docs) LIMIT {Depth};";
            search.Parameters.AddWithValue("@q", string.Join(" OR ", words));
            var ids = new List<string>();
            using var reader = search.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return Task.FromResult<IReadOnlyList<string>>(ids);
        };
    }

    private static async Task<Scores> EvaluateAsync(CisiCorpus cisi, Func<string, Task<IReadOnlyList<string>>> search)
    {
        _ = await search(cisi.Queries.First().Value); // warm-up
        double ndcg = 0, map = 0, recall = 0, p10 = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var (id, text) in cisi.Queries)
        {
            var ranking = await search(text);
            var relevant = cisi.Relevant[id];
            ndcg += RetrievalMetrics.NdcgAt(ranking, relevant, 10);
            map += RetrievalMetrics.AveragePrecisionAt(ranking, relevant, 100);
            recall += RetrievalMetrics.RecallAt(ranking, relevant, 100);
            p10 += RetrievalMetrics.PrecisionAt(ranking, relevant, 10);
        }

        var n = cisi.Queries.Count;
        return new Scores(ndcg / n, map / n, recall / n, p10 / n, Stopwatch.GetElapsedTime(started).TotalMilliseconds / n);
    }

    private static string Row(string configuration, string store, Scores s)
    {
        var row = string.Create(CultureInfo.InvariantCulture, $"| {configuration} | {store} | {s.Ndcg10:F4} | {s.Map100:F4} | {s.Recall100:F4} | {s.P10:F4} | {s.MsPerQuery:F2} |");
        Console.WriteLine(row);
        return row;
    }

    private static string? FindSharedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "ir");
            if (Directory.Exists(Path.Combine(candidate, "cisi")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    private sealed record Scores(double Ndcg10, double Map100, double Recall100, double P10, double MsPerQuery);
}
