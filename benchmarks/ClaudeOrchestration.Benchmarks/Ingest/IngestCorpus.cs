using System.Globalization;
using System.Text;
using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Benchmarks.Ingest;

/// <summary>
/// A deterministic corpus of technical prose: the same documents (and so the same chunks) in the benchmark process and in
/// the host process that computes the chunks-per-second column.
/// </summary>
internal static class IngestCorpus
{
    public const int DocumentCount = 200;

    private static readonly string[] Nouns =
    [
        "vector store", "session", "chunk", "embedding", "token budget", "knowledge base", "query", "collection", "index",
        "transaction", "database file", "cache", "tokenizer", "agent", "workflow", "process", "record", "filter", "project",
        "configuration", "service", "timeout", "retry policy", "checkpoint", "prompt", "response", "benchmark", "schema",
    ];

    private static readonly string[] Verbs =
    [
        "stores", "splits", "ranks", "persists", "returns", "expires", "validates", "serialises", "caches", "loads",
        "rebuilds", "filters", "counts", "retries", "flushes", "compacts", "restores", "reports",
    ];

    private static readonly string[] Qualifiers =
    [
        "after every upsert", "before the first search", "within the configured budget", "on paragraph boundaries",
        "when the host starts", "without blocking readers", "in a single transaction", "for each incoming request",
        "once the interval elapses", "unless the caller cancels", "in ordinal order", "with a bounded heap",
    ];

    private static readonly Lazy<KnowledgeDocument[]> Built = new(Build);

    public static KnowledgeDocument[] Documents => Built.Value;

    /// <summary>The default chunking: 512 tokens, 64 overlap. Declared before <see cref="ChunkCount"/>, which uses it.</summary>
    public static TextChunker Chunker { get; } = new(512, 64);

    /// <summary>How many chunks the corpus makes with <see cref="Chunker"/>.</summary>
    public static int ChunkCount { get; } = Documents.Sum(d => Chunker.Chunk(d.Text.ReplaceLineEndings("\n")).Count);

    private static KnowledgeDocument[] Build()
    {
        var random = new Random(20261124);
        var documents = new KnowledgeDocument[DocumentCount];
        for (var d = 0; d < DocumentCount; d++)
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"# Design note {d}\n\n");
            var paragraphs = 3 + random.Next(6);
            for (var p = 0; p < paragraphs; p++)
            {
                var sentences = 4 + random.Next(8);
                for (var s = 0; s < sentences; s++)
                {
                    var noun = Nouns[random.Next(Nouns.Length)];
                    text.Append(char.ToUpperInvariant(noun[0])).Append(noun, 1, noun.Length - 1).Append(' ')
                        .Append(Verbs[random.Next(Verbs.Length)]).Append(" the ")
                        .Append(Nouns[random.Next(Nouns.Length)]).Append(' ')
                        .Append(Qualifiers[random.Next(Qualifiers.Length)])
                        .Append(CultureInfo.InvariantCulture, $" (case {random.Next(10_000)}). ");
                }

                text.Append("\n\n");
            }

            documents[d] = new KnowledgeDocument
            {
                Id = $"notes/note-{d:D4}.md",
                Text = text.ToString(),
                Project = d % 2 == 0 ? "alpha" : "beta",
                SourcePath = $"notes/note-{d:D4}.md",
                Tags = ["design"],
            };
        }

        return documents;
    }
}
