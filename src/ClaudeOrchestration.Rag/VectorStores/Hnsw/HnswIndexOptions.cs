namespace ClaudeOrchestration.Rag.VectorStores.Hnsw;

/// <summary>
/// Parameters of the approximate HNSW index the embedded stores build for vector properties declared with
/// <c>IndexKind = IndexKind.Hnsw</c>. Defaults follow hnswlib/USearch practice.
/// </summary>
public sealed class HnswIndexOptions
{
    /// <summary>Gets or sets the number of neighbours per node on the upper layers (twice that on layer 0). Default 16; 2–100.</summary>
    public int M { get; set; } = 16;

    /// <summary>Gets or sets the candidate list size while inserting; larger builds a better graph, slower. Default 100; at least M.</summary>
    public int EfConstruction { get; set; } = 100;

    /// <summary>Gets or sets the candidate list size while searching (raised to <c>skip + top</c> when smaller); larger is more accurate, slower. Default 64.</summary>
    public int EfSearch { get; set; } = 64;

    /// <summary>Gets or sets the seed of the level generator, for reproducible graphs; <see langword="null"/> for a random seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (M is < 2 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(M), M, "HNSW M must be between 2 and 100 (16 is a good default).");
        }

        if (EfConstruction < M)
        {
            throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction, $"HNSW EfConstruction must be at least M ({M}).");
        }

        if (EfSearch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EfSearch), EfSearch, "HNSW EfSearch must be at least 1.");
        }
    }
}
