namespace ClaudeOrchestration.Rag.Embeddings;

/// <summary>
/// An embedding generator failed or returned something unusable: the wrong number of vectors, a vector of the wrong
/// length, or an empty, zero or non-finite vector. Never replaced by an empty result.
/// </summary>
public sealed class EmbeddingGenerationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmbeddingGenerationException()
        : base("Embedding generation failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EmbeddingGenerationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the generator's own failure.</summary>
    public EmbeddingGenerationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The provider and model that failed, as reported by the generator's metadata, when known.</summary>
    public string? Generator { get; init; }

    /// <summary>Index, in the caller's input, of the first value of the failed batch or of the bad vector.</summary>
    public int? InputIndex { get; init; }

    /// <summary>The vector length expected, when the failure is a length mismatch.</summary>
    public int? ExpectedDimensions { get; init; }

    /// <summary>The vector length received, when the failure is a length mismatch.</summary>
    public int? ActualDimensions { get; init; }
}
