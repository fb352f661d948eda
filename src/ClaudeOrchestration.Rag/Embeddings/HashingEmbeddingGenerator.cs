using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Embeddings;

/// <summary>
/// An offline <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> that needs no model: it hashes word unigrams, word
/// bigrams and character n-grams of each text into a fixed-size vector (the "hashing trick"), weights repeated features
/// sub-linearly (1 + ln tf) and L2-normalises the result.
/// </summary>
/// <remarks>
/// Similarity is lexical, not semantic: texts that share words, phrases and word parts score high; synonyms do not.
/// That is enough for code and technical notes, and it is deterministic across processes and machines (stable FNV-1a
/// hashing, never <see cref="string.GetHashCode()"/>), so stored vectors stay valid after a restart. Plug a model-based
/// generator (OpenAI-compatible, Ollama) for semantic similarity. The generator is thread-safe and runs synchronously on
/// the calling thread.
/// </remarks>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The default vector length.</summary>
    public const int DefaultDimensions = 384;

    /// <summary>The model id stamped on every embedding; it changes whenever the feature scheme changes.</summary>
    public const string ModelId = "claude-orchestration-hashing-ngram-v1";

    /// <summary>The provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "claude-orchestration";

    // Words longer than this (hashes, base64) only contribute the whole-word feature: their n-grams are noise.
    private const int MaxNGramWordLength = 64;

    [ThreadStatic]
    private static Dictionary<ulong, Feature>? _threadFeatures;

    private static readonly ulong WordSeed = LexicalText.Seed('w');
    private static readonly ulong BigramSeed = LexicalText.Seed('b');
    private static readonly ulong CharSeed = LexicalText.Seed('c');

    private readonly HashingEmbeddingGeneratorOptions _options;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates a generator.</summary>
    /// <param name="options">Feature settings; <see langword="null"/> uses the defaults (384 dimensions).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public HashingEmbeddingGenerator(HashingEmbeddingGeneratorOptions? options = null)
    {
        _options = options ?? new HashingEmbeddingGeneratorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Dimensions, 8, "options.Dimensions");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MinCharNGram, 1, "options.MinCharNGram");
        ThrowIfBadWeight(_options.WordWeight, "options.WordWeight");
        ThrowIfBadWeight(_options.BigramWeight, "options.BigramWeight");
        ThrowIfBadWeight(_options.CharNGramWeight, "options.CharNGramWeight");
        if (_options.WordWeight == 0 && _options.CharNGramWeight == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "WordWeight and CharNGramWeight cannot both be 0: no feature would be left.");
        }

        _metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, ModelId, _options.Dimensions);
    }

    /// <summary>The length of the vectors this generator produces when no other length is requested.</summary>
    public int Dimensions => _options.Dimensions;

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="EmbeddingGenerationOptions.Dimensions"/>, when set, overrides the vector length for this call.
    /// </remarks>
    /// <exception cref="ArgumentException">A value is <see langword="null"/>, empty or whitespace: there is nothing to embed.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dimensions = options?.Dimensions ?? _options.Dimensions;
        if (dimensions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), dimensions, "EmbeddingGenerationOptions.Dimensions must be at least 1.");
        }

        var result = values.TryGetNonEnumeratedCount(out var count)
            ? new GeneratedEmbeddings<Embedding<float>>(count)
            : new GeneratedEmbeddings<Embedding<float>>();
        var index = 0;
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (value is null)
            {
                throw new ArgumentException($"values[{index}] is null; every value must be a non-empty text.", nameof(values));
            }

            var vector = new float[dimensions];
            if (!TryEmbed(value, vector))
            {
                throw new ArgumentException($"values[{index}] is empty or whitespace; there is nothing to embed.", nameof(values));
            }

            result.Add(new Embedding<float>(vector) { ModelId = ModelId });
            index++;
        }

        return Task.FromResult(result);
    }

    /// <summary>Embeds one text synchronously.</summary>
    /// <param name="text">The text; it must contain a non-whitespace character.</param>
    /// <returns>An L2-normalised vector of <see cref="Dimensions"/> floats.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or whitespace.</exception>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[_options.Dimensions];
        return TryEmbed(text, vector)
            ? vector
            : throw new ArgumentException("The text is empty or whitespace; there is nothing to embed.", nameof(text));
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
        // Nothing to release; present because the interface requires it.
    }

    /// <summary>Fills <paramref name="destination"/>; returns <see langword="false"/> when the text has no features.</summary>
    internal bool TryEmbed(ReadOnlySpan<char> text, Span<float> destination)
    {
        var features = _threadFeatures ??= [];
        features.Clear();
        AddWordFeatures(text, features, _options.IgnoreStopWords);
        if (features.Count == 0 && _options.IgnoreStopWords)
        {
            // Only stop words ("to be or not to be"): better a vector from them than no vector.
            AddWordFeatures(text, features, skipStopWords: false);
        }

        if (features.Count == 0)
        {
            // No letters or digits at all ("{ } => ;"): fall back to runs of symbols so code fragments still embed.
            AddSymbolFeatures(text, features);
        }

        if (features.Count == 0)
        {
            return false;
        }

        Accumulate(features, destination, signed: true);
        var norm = TensorPrimitives.Norm<float>(destination);
        if (norm == 0f)
        {
            // Signed features cancelled out exactly (vanishingly rare); unsigned accumulation cannot cancel.
            Accumulate(features, destination, signed: false);
            norm = TensorPrimitives.Norm<float>(destination);
        }

        TensorPrimitives.Divide(destination, norm, destination);
        features.Clear();
        return true;
    }

    private static void Accumulate(Dictionary<ulong, Feature> features, Span<float> destination, bool signed)
    {
        destination.Clear();
        var dimensions = (ulong)destination.Length;
        foreach (var (hash, feature) in features)
        {
            var mixed = LexicalText.Mix(hash);
            var index = (int)(((mixed & 0xFFFFFFFFUL) * dimensions) >> 32);
            var weight = feature.Weight * (1f + MathF.Log(feature.Count));
            destination[index] += signed && (long)mixed < 0 ? -weight : weight;
        }
    }

    private void AddWordFeatures(ReadOnlySpan<char> text, Dictionary<ulong, Feature> features, bool skipStopWords)
    {
        var position = 0;
        var previous = 0UL;
        var hasPrevious = false;
        while (LexicalText.TryGetNextWord(text, ref position, out var start, out var length))
        {
            var word = text.Slice(start, length);
            if (skipStopWords && LexicalText.IsStopWord(word))
            {
                continue;
            }

            var wordHash = LexicalText.Hash(word, WordSeed);
            Add(features, wordHash, _options.WordWeight);
            if (hasPrevious && _options.BigramWeight > 0)
            {
                Add(features, LexicalText.Hash(word, LexicalText.Mix(previous) ^ BigramSeed), _options.BigramWeight);
            }

            previous = wordHash;
            hasPrevious = true;
            AddSubWordFeatures(word, features);
            AddCharNGrams(word, features);
        }
    }

    // "GetRelevantContextAsync" and "utf8Reader" also count as their parts, so a query for "context" finds them.
    private void AddSubWordFeatures(ReadOnlySpan<char> word, Dictionary<ulong, Feature> features)
    {
        var partStart = 0;
        var parts = 0;
        for (var i = 1; i <= word.Length; i++)
        {
            if (i < word.Length && !IsPartBoundary(word[i - 1], word[i], i + 1 < word.Length ? word[i + 1] : '\0'))
            {
                continue;
            }

            if (i == word.Length && parts == 0)
            {
                return; // a single part: the word feature already covers it
            }

            if (i - partStart >= 2)
            {
                Add(features, LexicalText.Hash(word[partStart..i], WordSeed), _options.WordWeight * 0.5f);
            }

            parts++;
            partStart = i;
        }
    }

    private static bool IsPartBoundary(char previous, char current, char next) =>
        (char.IsLower(previous) && char.IsUpper(current))
        || (char.IsUpper(previous) && char.IsUpper(current) && char.IsLower(next))
        || (char.IsLetter(previous) && char.IsDigit(current))
        || (char.IsDigit(previous) && char.IsLetter(current));

    private void AddCharNGrams(ReadOnlySpan<char> word, Dictionary<ulong, Feature> features)
    {
        if (_options.CharNGramWeight <= 0 || _options.MaxCharNGram < _options.MinCharNGram || word.Length > MaxNGramWordLength)
        {
            return;
        }

        // "<word>": the markers let prefixes and suffixes match as such.
        Span<char> padded = stackalloc char[MaxNGramWordLength + 2];
        padded[0] = '<';
        word.CopyTo(padded[1..]);
        padded[word.Length + 1] = '>';
        padded = padded[..(word.Length + 2)];
        for (var n = _options.MinCharNGram; n <= _options.MaxCharNGram && n <= padded.Length; n++)
        {
            for (var i = 0; i + n <= padded.Length; i++)
            {
                Add(features, LexicalText.Hash(padded.Slice(i, n), CharSeed), _options.CharNGramWeight);
            }
        }
    }

    private void AddSymbolFeatures(ReadOnlySpan<char> text, Dictionary<ulong, Feature> features)
    {
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                var run = text[start..i];
                Add(features, LexicalText.Hash(run, WordSeed), Math.Max(_options.WordWeight, _options.CharNGramWeight));
                AddCharNGrams(run, features);
            }
        }
    }

    private static void Add(Dictionary<ulong, Feature> features, ulong hash, float weight)
    {
        if (weight <= 0)
        {
            return;
        }

        ref var feature = ref CollectionsMarshal.GetValueRefOrAddDefault(features, hash, out var exists);
        if (exists)
        {
            feature.Count++;
        }
        else
        {
            feature = new Feature { Count = 1, Weight = weight };
        }
    }

    private static void ThrowIfBadWeight(float weight, string name)
    {
        if (!float.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(name, weight, "Feature weights must be finite and not negative.");
        }
    }

    private struct Feature
    {
        public int Count;
        public float Weight;
    }
}
