using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Benchmarks.Ingest;

/// <summary>
/// Ingest throughput with the default embedder (<see cref="HashingEmbeddingGenerator"/>, 384 dimensions) and default
/// chunking (512 tokens, 64 overlap): the whole corpus of <see cref="IngestCorpus.DocumentCount"/> documents per
/// operation, into a fresh SQLite file (the default store) and, for comparison, a fresh in-memory store; plus chunking
/// alone and embedding alone, to show where the time goes.
/// </summary>
[Config(typeof(IngestConfig))]
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private readonly HashingEmbeddingGenerator _generator = new();
    private string[] _chunkTexts = [];
    private string? _directory;
    private VectorStore? _store;
    private KnowledgeBase? _knowledgeBase;

    [GlobalSetup]
    public void Setup() =>
        _chunkTexts = [.. IngestCorpus.Documents.SelectMany(d => IngestCorpus.Chunker.Chunk(d.Text.ReplaceLineEndings("\n")).Select(c => c.Text))];

    [IterationSetup(Target = nameof(IngestIntoSqlite))]
    public void SetupSqlite()
    {
        _directory = Path.Combine(Path.GetTempPath(), "co-bench-ingest-" + Guid.NewGuid().ToString("N"));
        _store = new EmbeddedSqliteVectorStore($"Data Source={Path.Combine(_directory, "knowledge.db")}");
        _knowledgeBase = CreateKnowledgeBase(_store);
    }

    [IterationSetup(Target = nameof(IngestIntoInMemory))]
    public void SetupInMemory()
    {
        _store = new EmbeddedMemoryVectorStore();
        _knowledgeBase = CreateKnowledgeBase(_store);
    }

    [IterationCleanup(Targets = [nameof(IngestIntoSqlite), nameof(IngestIntoInMemory)])]
    public void Cleanup()
    {
        _store?.Dispose();
        _store = null;
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
            _directory = null;
        }
    }

    /// <summary>Chunk, embed and write every document into a new SQLite database (WAL, one transaction per document).</summary>
    [Benchmark]
    public async Task<int> IngestIntoSqlite() => await IngestAsync();

    /// <summary>The same into the in-memory store: the difference is the cost of persistence.</summary>
    [Benchmark]
    public async Task<int> IngestIntoInMemory() => await IngestAsync();

    /// <summary>Only the chunker (paragraph/sentence splitting and cl100k_base token counting).</summary>
    [Benchmark]
    public int ChunkOnly() => IngestCorpus.Documents.Sum(d => IngestCorpus.Chunker.Chunk(d.Text.ReplaceLineEndings("\n")).Count);

    /// <summary>Only the embedder, over the corpus's chunks in batches of 64.</summary>
    [Benchmark]
    public async Task<int> EmbedOnly()
    {
        var total = 0;
        for (var i = 0; i < _chunkTexts.Length; i += 64)
        {
            total += (await _generator.GenerateAsync(_chunkTexts.Skip(i).Take(64))).Count;
        }

        return total;
    }

    private static KnowledgeBase CreateKnowledgeBase(VectorStore store) =>
        new(store.GetCollection<string, KnowledgeChunkRecord>("knowledge", KnowledgeChunkRecord.CreateDefinition(HashingEmbeddingGenerator.DefaultDimensions)),
            new HashingEmbeddingGenerator());

    private async Task<int> IngestAsync()
    {
        var chunks = 0;
        foreach (var document in IngestCorpus.Documents)
        {
            chunks += (await _knowledgeBase!.AddOrUpdateAsync(document)).ChunkCount;
        }

        return chunks;
    }

    private sealed class IngestConfig : ManualConfig
    {
        public IngestConfig() => AddColumn(new ChunksPerSecondColumn());
    }
}
