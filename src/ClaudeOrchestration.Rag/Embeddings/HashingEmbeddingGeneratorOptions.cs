namespace ClaudeOrchestration.Rag.Embeddings;

/// <summary>Settings for <see cref="HashingEmbeddingGenerator"/>. The defaults suit English prose and source code.</summary>
public sealed class HashingEmbeddingGeneratorOptions
{
    /// <summary>Length of every vector. Default 384. Changing it changes every vector, so re-ingest after a change.</summary>
    public int Dimensions { get; init; } = HashingEmbeddingGenerator.DefaultDimensions;

    /// <summary>Shortest character n-gram taken from each word. Default 3.</summary>
    public int MinCharNGram { get; init; } = 3;

    /// <summary>Longest character n-gram taken from each word. Default 5. Set below <see cref="MinCharNGram"/> to disable character n-grams.</summary>
    public int MaxCharNGram { get; init; } = 5;

    /// <summary>Weight of whole-word features. Default 1.</summary>
    public float WordWeight { get; init; } = 1f;

    /// <summary>Weight of adjacent-word (bigram) features, which reward matching phrases. Default 0.6.</summary>
    public float BigramWeight { get; init; } = 0.6f;

    /// <summary>
    /// Weight of character n-gram features, which match inflections and partial identifiers ("index", "indexing").
    /// Default 0.25; a word contributes many n-grams, so this is kept below <see cref="WordWeight"/>.
    /// </summary>
    public float CharNGramWeight { get; init; } = 0.25f;

    /// <summary>
    /// Ignore very common English words ("the", "and", "is") so that they do not make unrelated texts look similar.
    /// A text made only of such words still gets a vector from them. Default <see langword="true"/>.
    /// </summary>
    public bool IgnoreStopWords { get; init; } = true;
}
