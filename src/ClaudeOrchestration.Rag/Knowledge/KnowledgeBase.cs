using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq.Expressions;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Diagnostics;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.VectorStores.Hybrid;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.VectorData;
using Microsoft.ML.Tokenizers;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// The default <see cref="IKnowledgeBase"/>: chunks documents (by tokens or characters, at paragraph and sentence boundaries), embeds the chunks through
/// any <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> (batched and checked by <see cref="BatchingEmbeddingGenerator"/>)
/// and stores them as <see cref="KnowledgeChunkRecord"/>s in any Microsoft.Extensions.VectorData collection.
/// </summary>
/// <remarks>
/// Thread-safe. Writes to the same document id are serialised within this instance. A document's chunk 0 is written
/// last and deleted first, and the other chunks have version-specific keys, so chunk 0 marks a complete document: a
/// crash part-way through a write leaves the previous version intact (or the document absent). Chunks such an
/// interrupted write left behind can appear in searches until the document is next updated or deleted, which removes
/// them.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The batching wrapper only borrows the caller's generator; disposing it would dispose a generator this type does not own.")]
public sealed class KnowledgeBase : IKnowledgeBase
{
    private const char ModelSeparator = '|';

    /// <summary>The most chunks one document may have; a longer document is rejected.</summary>
    public const int MaxChunksPerDocument = 10_000;

    // With the hashing embedder the vector ranking is a weak, noisy copy of the lexical signal, so the store-side fusion
    // counts the keyword ranking twice: on CISI this lifts Recall@100 from 0.36 to 0.42 (plain BM25: 0.41) and nDCG@10 too;
    // a semantic embedder keeps plain RRF. Measured in docs/benchmarks.md.
    private const double HashingKeywordWeight = 2d;

    private static readonly KnowledgeSearchOptions DefaultSearchOptions = new();

    private readonly VectorStoreCollection<string, KnowledgeChunkRecord> _collection;
    private readonly BatchingEmbeddingGenerator _embedder;
    private readonly double _keywordWeight;
    private readonly TextChunker _chunker;
    private readonly KnowledgeBaseOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly KeyedAsyncLock _documentLocks = new();
    private readonly string _settingsSignature;
    private readonly string _modelId;
    private Task? _ensureCollection;
    private long _version;

    /// <summary>Creates a knowledge base over <paramref name="collection"/>.</summary>
    /// <param name="collection">
    /// Where chunks are stored. Open it with <see cref="KnowledgeChunkRecord.CreateDefinition(int)"/> so that its vector
    /// length matches <see cref="KnowledgeBaseOptions.EmbeddingDimensions"/>; it is created on first use if missing.
    /// </param>
    /// <param name="embeddingGenerator">Embeds chunks and queries; not disposed by the knowledge base.</param>
    /// <param name="options">Chunking and embedding settings; <see langword="null"/> for the defaults.</param>
    /// <param name="tokenizer">Counts tokens for <see cref="ChunkUnit.Tokens"/>; <see langword="null"/> for <see cref="RagTokenizer.Default"/>.</param>
    /// <param name="timeProvider">Stamps write times; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Logs writes and skipped files.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public KnowledgeBase(
        VectorStoreCollection<string, KnowledgeChunkRecord> collection,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        KnowledgeBaseOptions? options = null,
        Tokenizer? tokenizer = null,
        TimeProvider? timeProvider = null,
        ILogger<KnowledgeBase>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        _options = options ?? new KnowledgeBaseOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EmbeddingDimensions, 1, "options.EmbeddingDimensions");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EmbeddingBatchSize, 1, "options.EmbeddingBatchSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDocumentCharacters, 1, "options.MaxDocumentCharacters");
        _collection = collection;
        _embedder = new BatchingEmbeddingGenerator(embeddingGenerator, _options.EmbeddingBatchSize, _options.EmbeddingDimensions);
        _keywordWeight = embeddingGenerator.GetService(typeof(HashingEmbeddingGenerator)) is null ? 1d : HashingKeywordWeight;
        _chunker = new TextChunker(_options.ChunkSize, _options.ChunkOverlap, _options.ChunkUnit, tokenizer);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        var metadata = embeddingGenerator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        _modelId = string.Create(CultureInfo.InvariantCulture, $"{metadata?.ProviderName}/{metadata?.DefaultModelId}/{_options.EmbeddingDimensions}");
        _settingsSignature = string.Create(
            CultureInfo.InvariantCulture,
            $"chunks:{_options.ChunkUnit}:{_options.ChunkSize}:{_options.ChunkOverlap}|model:{metadata?.ProviderName}/{metadata?.DefaultModelId}/{_options.EmbeddingDimensions}");
    }

    /// <inheritdoc />
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// The newest entry of the database's change log when the collection is on the SQLite store (it moves with the writes of
    /// every process on the file); 0 on other stores, which have no such log.
    /// </summary>
    internal Task<long> SharedChangeAsync(CancellationToken cancellationToken) =>
        _collection is VectorStores.Sqlite.EmbeddedSqliteCollection<string, KnowledgeChunkRecord> sqlite
            ? sqlite.LastChangeAsync(cancellationToken)
            : Task.FromResult(0L);

    /// <inheritdoc />
    public async Task<KnowledgeWriteResult> AddOrUpdateAsync(KnowledgeDocument document, CancellationToken cancellationToken = default)
    {
        var prepared = Prepare(document);
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.knowledge.add");
        activity?.SetTag("rag.document.id", prepared.Id);

        using (await _documentLocks.AcquireAsync(prepared.Id, cancellationToken).ConfigureAwait(false))
        {
            await EnsureCollectionAsync(cancellationToken).ConfigureAwait(false);
            var existing = await _collection.GetAsync(KnowledgeChunkRecord.FirstKeyOf(prepared.Id), null, cancellationToken).ConfigureAwait(false);
            if (existing is not null && string.Equals(existing.Fingerprint, prepared.Fingerprint, StringComparison.Ordinal))
            {
                Log.DocumentWritten(_logger, prepared.Id, KnowledgeWriteStatus.Unchanged, existing.ChunkCount);
                return new KnowledgeWriteResult
                {
                    DocumentId = prepared.Id,
                    Status = KnowledgeWriteStatus.Unchanged,
                    ChunkCount = existing.ChunkCount,
                    ContentHash = prepared.ContentHash,
                };
            }

            var chunks = _chunker.Chunk(prepared.Text);
            if (chunks.Count > MaxChunksPerDocument)
            {
                throw new ArgumentException(
                    $"Document '{prepared.Id}' makes {chunks.Count} chunks, more than the {MaxChunksPerDocument} allowed per document; " +
                    "split it into several documents or raise KnowledgeBaseOptions.ChunkSize.",
                    nameof(document));
            }

            var embeddings = await _embedder.GenerateAsync([.. chunks.Select(c => c.Text)], null, cancellationToken).ConfigureAwait(false);
            var records = new KnowledgeChunkRecord[chunks.Count];
            var updatedAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < chunks.Count; i++)
            {
                records[i] = new KnowledgeChunkRecord
                {
                    Key = KnowledgeChunkRecord.KeyOf(prepared.Id, prepared.Fingerprint, i),
                    DocumentId = prepared.Id,
                    ChunkIndex = i,
                    ChunkCount = chunks.Count,
                    StartOffset = chunks[i].Start,
                    Text = chunks[i].Text,
                    Project = document.Project,
                    SourcePath = document.SourcePath,
                    Title = document.Title,
                    Tags = [.. document.Tags],
                    PropertiesJson = prepared.PropertiesJson,
                    ContentHash = prepared.ContentHash,
                    Fingerprint = prepared.Fingerprint,
                    UpdatedAtUnixMs = updatedAt,
                    Vector = embeddings[i].Vector,
                };
            }

            // Chunk 0 last: the other chunks have version-specific keys, so until chunk 0 is written readers still see the
            // previous version (or nothing), never a mix.
            if (records.Length > 1)
            {
                await _collection.UpsertAsync(records.Skip(1), cancellationToken).ConfigureAwait(false);
            }

            await _collection.UpsertAsync(records[0], cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                // Skipped for new documents: the filtered query costs as much as chunking and embedding a small document,
                // and only a first write interrupted by a crash can have left chunks behind (the next update or delete
                // removes those).
                await DeleteStaleChunksAsync(prepared.Id, records, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _version);
            RagTelemetry.ChunksWritten.Add(records.Length);
            var status = existing is null ? KnowledgeWriteStatus.Added : KnowledgeWriteStatus.Updated;
            Log.DocumentWritten(_logger, prepared.Id, status, records.Length);
            return new KnowledgeWriteResult
            {
                DocumentId = prepared.Id,
                Status = status,
                ChunkCount = records.Length,
                ContentHash = prepared.ContentHash,
            };
        }
    }

    /// <summary>
    /// Re-embeds every stored document with this knowledge base's embedding generator and chunking settings (after switching
    /// the embedder, or to write documents stored by an older version in the current format). Each document is rewritten
    /// through the normal update path — new chunks beside the old, chunk 0 last — so an interruption leaves every document
    /// readable, in its old or its new form; running it again finishes the job (documents already current are skipped).
    /// </summary>
    /// <param name="progress">Receives a report after every document (<see cref="IngestProgress.CurrentFile"/> is the document id).</param>
    /// <param name="cancellationToken">Cancels between (and within) documents.</param>
    /// <returns>How many documents were rewritten.</returns>
    /// <remarks>
    /// The vector length cannot change: a collection's vectors have the length it was created with. While it runs, searches
    /// of this knowledge base see old and new chunks side by side.
    /// </remarks>
    public async Task<int> ReindexAsync(IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await _collection.EnsureCollectionExistsAsync(cancellationToken).ConfigureAwait(false);

        // The model check is what a reindex repairs: skip it while rewriting (searches meanwhile see both models' chunks).
        Volatile.Write(ref _ensureCollection, Task.CompletedTask);
        try
        {
            var documentIds = new List<string>();
            var options = new FilteredRecordRetrievalOptions<KnowledgeChunkRecord> { IncludeVectors = false };
            await foreach (var first in _collection.GetAsync(r => r.ChunkIndex == 0, int.MaxValue, options, cancellationToken).ConfigureAwait(false))
            {
                documentIds.Add(first.DocumentId);
            }

            documentIds.Sort(StringComparer.Ordinal);
            int processed = 0, rewritten = 0, chunksWritten = 0;
            foreach (var id in documentIds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stored = await ReadStoredAsync(id, cancellationToken).ConfigureAwait(false);
                var status = IngestFileStatus.Unchanged;
                if (stored is not null)
                {
                    var written = await AddOrUpdateAsync(
                        new KnowledgeDocument
                        {
                            Id = stored.Id,
                            Text = stored.Text,
                            Project = stored.Project,
                            SourcePath = stored.SourcePath,
                            Title = stored.Title,
                            Tags = stored.Tags,
                            Properties = stored.Properties,
                        },
                        cancellationToken).ConfigureAwait(false);
                    if (written.Status != KnowledgeWriteStatus.Unchanged)
                    {
                        rewritten++;
                        chunksWritten += written.ChunkCount;
                        status = IngestFileStatus.Updated;
                    }
                }

                processed++;
                progress?.Report(new IngestProgress
                {
                    FilesMatched = documentIds.Count,
                    FilesProcessed = processed,
                    ChunksWritten = chunksWritten,
                    CurrentFile = id,
                    CurrentStatus = status,
                });
            }

            return rewritten;
        }
        finally
        {
            Volatile.Write(ref _ensureCollection, null); // check the model again on the next use
        }
    }

    /// <inheritdoc />
    public async Task<StoredKnowledgeDocument?> GetAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        await EnsureCollectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadStoredAsync(documentId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoredKnowledgeDocument?> ReadStoredAsync(string documentId, CancellationToken cancellationToken)
    {
        var first = await _collection.GetAsync(KnowledgeChunkRecord.FirstKeyOf(documentId), null, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        var chunks = new List<KnowledgeChunkRecord>(first.ChunkCount) { first };
        if (first.ChunkCount > 1)
        {
            var keys = Enumerable.Range(1, first.ChunkCount - 1).Select(i => KnowledgeChunkRecord.KeyOf(documentId, first.Fingerprint, i)).ToList();
            await foreach (var chunk in _collection.GetAsync(keys, null, cancellationToken).ConfigureAwait(false))
            {
                chunks.Add(chunk);
            }
        }

        chunks.Sort((a, b) => a.ChunkIndex.CompareTo(b.ChunkIndex));
        var text = Reassemble(documentId, first, chunks);
        return new StoredKnowledgeDocument
        {
            Id = documentId,
            Text = text,
            ContentHash = first.ContentHash,
            ChunkCount = first.ChunkCount,
            UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(first.UpdatedAtUnixMs),
            Project = first.Project,
            SourcePath = first.SourcePath,
            Title = first.Title,
            Tags = first.Tags ?? [],
            Properties = ParseProperties(first.PropertiesJson),
        };
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        using (await _documentLocks.AcquireAsync(documentId, cancellationToken).ConfigureAwait(false))
        {
            await EnsureCollectionAsync(cancellationToken).ConfigureAwait(false);
            var keys = await GetChunkKeysAsync(documentId, cancellationToken).ConfigureAwait(false);
            if (keys.Count == 0)
            {
                return false;
            }

            // Chunk 0 first: the document disappears for readers at once, even if the rest is interrupted.
            var firstKey = KnowledgeChunkRecord.FirstKeyOf(documentId);
            await _collection.DeleteAsync(firstKey, cancellationToken).ConfigureAwait(false);
            await _collection.DeleteAsync(keys.Where(k => k != firstKey), cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _version);
            Log.DocumentDeleted(_logger, documentId, keys.Count);
            return true;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KnowledgeSearchResult>> SearchAsync(
        string query,
        KnowledgeSearchOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("The search query is empty; pass the text to search for.", nameof(query));
        }

        options ??= DefaultSearchOptions;
        ValidateSearchOptions(options);
        var filter = KnowledgeFilterTranslator.Translate(options.Filter);
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.knowledge.search");
        var started = Stopwatch.GetTimestamp();

        await EnsureCollectionAsync(cancellationToken).ConfigureAwait(false);
        var embeddings = await _embedder.GenerateAsync([query], null, cancellationToken).ConfigureAwait(false);
        var queryVector = embeddings[0].Vector;
        IReadOnlyList<KnowledgeSearchResult> results;
        if (options.Hybrid && _collection is IKeywordHybridSearchable<KnowledgeChunkRecord> hybrid)
        {
            activity?.SetTag("rag.search.mode", "hybrid");
            results = await HybridSearchAsync(hybrid, query, queryVector, filter, options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            activity?.SetTag("rag.search.mode", options.Hybrid ? "rerank" : "vector");
            results = await VectorSearchAsync(query, queryVector, filter, options, cancellationToken).ConfigureAwait(false);
        }

        RagTelemetry.SearchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        activity?.SetTag("rag.search.results", results.Count);
        return results;
    }

    // Store-side hybrid: keyword and vector candidates retrieved independently by the store and fused there. The vector score
    // of each result is recomputed from its stored vector (the store reports only the fused score), for MinScore and callers.
    private async Task<IReadOnlyList<KnowledgeSearchResult>> HybridSearchAsync(
        IKeywordHybridSearchable<KnowledgeChunkRecord> hybrid,
        string query,
        ReadOnlyMemory<float> queryVector,
        Expression<Func<KnowledgeChunkRecord, bool>>? filter,
        KnowledgeSearchOptions options,
        CancellationToken cancellationToken)
    {
        var candidates = Math.Max(options.Top, options.HybridCandidates);
        var hybridOptions = new WeightedHybridSearchOptions<KnowledgeChunkRecord> { Filter = filter, IncludeVectors = true, KeywordWeight = _keywordWeight };
        var results = new List<KnowledgeSearchResult>(options.Top);
        await foreach (var hit in hybrid.HybridSearchAsync(queryVector, [query], candidates, hybridOptions, cancellationToken).ConfigureAwait(false))
        {
            var score = hit.Score ?? throw new InvalidOperationException("The vector store returned a hybrid search result without a score.");
            var vectorScore = hit.Record.Vector.Length == queryVector.Length
                ? TensorPrimitives.CosineSimilarity(queryVector.Span, hit.Record.Vector.Span)
                : throw new InvalidOperationException("The vector store returned a hybrid search result without its vector (IncludeVectors was requested).");
            if (options.MinScore is { } min && vectorScore < min)
            {
                continue;
            }

            results.Add(ToResult(hit.Record, score, vectorScore, keywordScore: null));
            if (results.Count == options.Top)
            {
                break;
            }
        }

        return results;
    }

    // Vector search; with Hybrid on a store without keyword search, the vector candidates are re-ranked with BM25 over their text.
    private async Task<IReadOnlyList<KnowledgeSearchResult>> VectorSearchAsync(
        string query,
        ReadOnlyMemory<float> queryVector,
        Expression<Func<KnowledgeChunkRecord, bool>>? filter,
        KnowledgeSearchOptions options,
        CancellationToken cancellationToken)
    {
        var candidates = options.Hybrid ? Math.Max(options.Top, options.HybridCandidates) : options.Top;
        var searchOptions = new VectorSearchOptions<KnowledgeChunkRecord>
        {
            Filter = filter,
            ScoreThreshold = options.MinScore,
        };

        var hits = new List<(KnowledgeChunkRecord Record, double Score)>(candidates);
        await foreach (var hit in _collection.SearchAsync(queryVector, candidates, searchOptions, cancellationToken).ConfigureAwait(false))
        {
            var score = hit.Score ?? throw new InvalidOperationException("The vector store returned a search result without a score.");
            if (options.MinScore is { } min && score < min)
            {
                continue; // the store should have dropped it already; stores differ, so check
            }

            hits.Add((hit.Record, score));
        }

        if (!options.Hybrid)
        {
            return [.. hits.Take(options.Top).Select(h => ToResult(h.Record, h.Score, h.Score, keywordScore: null))];
        }

        var keyword = KeywordRanker.Score(query, [.. hits.Select(h => h.Record.Text)]);
        var fused = KeywordRanker.Fuse(keyword);
        return [.. Enumerable.Range(0, hits.Count)
            .OrderByDescending(i => fused[i])
            .ThenBy(i => i)
            .Take(options.Top)
            .Select(i => ToResult(hits[i].Record, fused[i], hits[i].Score, keyword[i]))];
    }

    /// <inheritdoc />
    public Task<DirectoryIngestResult> IngestDirectoryAsync(
        string directory,
        DirectoryIngestOptions? options = null,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        new DirectoryIngestor(AddOrUpdateAsync, _options.MaxDocumentCharacters, _logger).IngestAsync(directory, options, progress, cancellationToken);

    private PreparedDocument Prepare(KnowledgeDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Text is null || string.IsNullOrWhiteSpace(document.Text))
        {
            throw new ArgumentException(
                $"Document '{document.Id ?? document.SourcePath ?? "(no id)"}' has no text; a knowledge document needs non-whitespace text.",
                nameof(document));
        }

        if (document.Text.Length > _options.MaxDocumentCharacters)
        {
            throw new ArgumentException(
                $"Document '{document.Id ?? document.SourcePath ?? "(no id)"}' has {document.Text.Length} characters, over the limit of " +
                $"{_options.MaxDocumentCharacters} (KnowledgeBaseOptions.MaxDocumentCharacters); split it into several documents or raise the limit.",
                nameof(document));
        }

        RequireMetadata(document.Id, nameof(KnowledgeDocument.Id));
        RequireMetadata(document.Project, nameof(KnowledgeDocument.Project));
        RequireMetadata(document.SourcePath, nameof(KnowledgeDocument.SourcePath));
        ArgumentNullException.ThrowIfNull(document.Tags, "document.Tags");
        ArgumentNullException.ThrowIfNull(document.Properties, "document.Properties");
        foreach (var tag in document.Tags)
        {
            RequireMetadata(tag ?? string.Empty, nameof(KnowledgeDocument.Tags));
        }

        var text = document.Text.ReplaceLineEndings("\n");
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var id = document.Id ?? document.SourcePath ?? contentHash;

        string? propertiesJson = null;
        if (document.Properties.Count > 0)
        {
            var sorted = new Dictionary<string, string>(document.Properties.Count, StringComparer.Ordinal);
            foreach (var (key, value) in document.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                RequireMetadata(key ?? string.Empty, nameof(KnowledgeDocument.Properties) + " key");
                sorted[key!] = value ?? string.Empty;
            }

            propertiesJson = JsonSerializer.Serialize(sorted, KnowledgeJsonContext.Default.DictionaryStringString);
        }

        // Unit separators keep fields apart, so ("ab", "c") and ("a", "bc") hash differently.
        var fingerprintSource = string.Join(
            '\u001f',
            "v1",
            contentHash,
            document.Project ?? "\u0000",
            document.SourcePath ?? "\u0000",
            document.Title ?? "\u0000",
            string.Join('\u001e', document.Tags),
            propertiesJson ?? "\u0000",
            _settingsSignature);
        // The model id travels with every chunk, so a collection embedded by another model is recognised when it is opened.
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprintSource))) + ModelSeparator + _modelId;
        return new PreparedDocument(id, text, contentHash, fingerprint, propertiesJson);
    }

    private static void RequireMetadata(string? value, string name, string paramName = "document")
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"KnowledgeDocument.{name} is empty or whitespace; give it a value or leave it null.", paramName);
        }
    }

    private static void ValidateSearchOptions(KnowledgeSearchOptions options)
    {
        if (options.Top < 1)
        {
            throw new ArgumentException($"KnowledgeSearchOptions.Top is {options.Top}; it must be at least 1.", nameof(options));
        }

        if (options.MinScore is { } min && (double.IsNaN(min) || min < -1 || min > 1))
        {
            throw new ArgumentException(
                $"KnowledgeSearchOptions.MinScore is {min}; it is a cosine similarity and must be between -1 and 1 (or null for no threshold).",
                nameof(options));
        }

        if (options.HybridCandidates < 1)
        {
            throw new ArgumentException($"KnowledgeSearchOptions.HybridCandidates is {options.HybridCandidates}; it must be at least 1.", nameof(options));
        }
    }

    private static string Reassemble(string documentId, KnowledgeChunkRecord first, List<KnowledgeChunkRecord> chunks)
    {
        var builder = new StringBuilder(first.Text.Length * chunks.Count);
        var end = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            if (chunk.ChunkIndex != i || chunk.StartOffset > end || !string.Equals(chunk.Fingerprint, first.Fingerprint, StringComparison.Ordinal))
            {
                throw Incomplete(documentId, $"chunk {i} is missing or belongs to another version");
            }

            var skip = end - chunk.StartOffset;
            if (skip < chunk.Text.Length)
            {
                builder.Append(chunk.Text, skip, chunk.Text.Length - skip);
                end = chunk.StartOffset + chunk.Text.Length;
            }
        }

        if (chunks.Count != first.ChunkCount)
        {
            throw Incomplete(documentId, $"{chunks.Count} of {first.ChunkCount} chunks found");
        }

        var text = builder.ToString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return string.Equals(hash, first.ContentHash, StringComparison.Ordinal)
            ? text
            : throw Incomplete(documentId, "the chunks do not rebuild the stored content hash");
    }

    private static InvalidDataException Incomplete(string documentId, string detail) =>
        new($"Knowledge document '{documentId}' is damaged in the vector store ({detail}), probably by an interrupted write; add the document again to repair it.");

    private static Dictionary<string, string> ParseProperties(string? json) =>
        json is null
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize(json, KnowledgeJsonContext.Default.DictionaryStringString) ?? new Dictionary<string, string>();

    private static KnowledgeSearchResult ToResult(KnowledgeChunkRecord record, double score, double vectorScore, double? keywordScore) => new()
    {
        DocumentId = record.DocumentId,
        ChunkIndex = record.ChunkIndex,
        Text = record.Text.Trim(),
        Score = score,
        VectorScore = vectorScore,
        KeywordScore = keywordScore,
        Project = record.Project,
        SourcePath = record.SourcePath,
        Title = record.Title,
        Tags = record.Tags ?? [],
        Properties = ParseProperties(record.PropertiesJson),
    };

    private async Task<List<string>> GetChunkKeysAsync(string documentId, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var options = new FilteredRecordRetrievalOptions<KnowledgeChunkRecord> { IncludeVectors = false };
        await foreach (var record in _collection.GetAsync(r => r.DocumentId == documentId, 2 * MaxChunksPerDocument, options, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(record.Key);
        }

        return keys;
    }

    // Deletes every chunk of the document that is not part of the version just written: the replaced version's chunks,
    // and any left behind by an earlier write that was interrupted before its first chunk was written.
    private async Task DeleteStaleChunksAsync(string documentId, KnowledgeChunkRecord[] current, CancellationToken cancellationToken)
    {
        var keep = current.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var stale = (await GetChunkKeysAsync(documentId, cancellationToken).ConfigureAwait(false)).Where(k => !keep.Contains(k)).ToList();
        if (stale.Count > 0)
        {
            await _collection.DeleteAsync(stale, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task EnsureCollectionAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _ensureCollection);
        if (current is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            // Not tied to one caller's token: a cancelled caller must not make creation fail for the others.
            var fresh = EnsureCollectionAndModelAsync();
            var previous = Interlocked.CompareExchange(ref _ensureCollection, fresh, current);
            current = ReferenceEquals(previous, current) ? fresh : previous!;
        }

        return current.WaitAsync(cancellationToken);
    }

    // Creates the collection if needed, then checks that its vectors were made by this knowledge base's embedding model:
    // comparing vectors of two models is meaningless, so a mismatch is an error rather than silently bad results.
    private async Task EnsureCollectionAndModelAsync()
    {
        await _collection.EnsureCollectionExistsAsync(CancellationToken.None).ConfigureAwait(false);
        await foreach (var sample in _collection.GetAsync(r => r.ChunkIndex == 0, 1, null, CancellationToken.None).ConfigureAwait(false))
        {
            var separator = sample.Fingerprint.IndexOf(ModelSeparator, StringComparison.Ordinal);
            var stored = separator < 0 ? null : sample.Fingerprint[(separator + 1)..];
            if (stored is not null && !string.Equals(stored, _modelId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Knowledge collection '{_collection.Name}' holds vectors made by embedding model '{stored}', but this knowledge base embeds with " +
                    $"'{_modelId}'. Register the same embedding generator, use another collection (RagOptions.CollectionName), or call " +
                    "KnowledgeBase.ReindexAsync once to re-embed every stored document with the new model.");
            }
        }
    }

    private sealed record PreparedDocument(string Id, string Text, string ContentHash, string Fingerprint, string? PropertiesJson);
}

