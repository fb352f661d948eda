using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>The distance functions the embedded stores implement, as resolved from a vector property's <c>DistanceFunction</c>.</summary>
internal enum ScoreKind
{
    CosineSimilarity,
    CosineDistance,
    DotProductSimilarity,
    NegativeDotProductSimilarity,
    EuclideanDistance,
    EuclideanSquaredDistance,
}

/// <summary>
/// Maps MEVD distance functions to the search kernel. The kernel always ranks by an internal "goodness" value where
/// higher is better (cosine similarity, dot product, negated distances); this class converts between that value and the
/// score reported to callers, whose direction depends on the distance function.
/// </summary>
internal static class Scoring
{
    /// <summary>The distance functions accepted by the embedded stores, for error messages.</summary>
    public const string SupportedDistanceFunctions =
        "CosineSimilarity (default), CosineDistance, DotProductSimilarity, NegativeDotProductSimilarity, EuclideanDistance, EuclideanSquaredDistance";

    public static bool TryResolve(string? distanceFunction, out ScoreKind kind)
    {
        switch (distanceFunction)
        {
            case null:
            case DistanceFunction.CosineSimilarity:
                kind = ScoreKind.CosineSimilarity;
                return true;
            case DistanceFunction.CosineDistance:
                kind = ScoreKind.CosineDistance;
                return true;
            case DistanceFunction.DotProductSimilarity:
                kind = ScoreKind.DotProductSimilarity;
                return true;
            case DistanceFunction.NegativeDotProductSimilarity:
                kind = ScoreKind.NegativeDotProductSimilarity;
                return true;
            case DistanceFunction.EuclideanDistance:
                kind = ScoreKind.EuclideanDistance;
                return true;
            case DistanceFunction.EuclideanSquaredDistance:
                kind = ScoreKind.EuclideanSquaredDistance;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    public static ScoreKind Resolve(string? distanceFunction, string propertyName)
        => TryResolve(distanceFunction, out var kind)
            ? kind
            : throw new NotSupportedException(
                $"Vector property '{propertyName}' uses distance function '{distanceFunction}', which the embedded vector stores do not support. "
                + $"Supported: {SupportedDistanceFunctions}.");

    /// <summary>Whether a larger reported score means a closer match.</summary>
    public static bool HigherIsBetter(ScoreKind kind)
        => kind is ScoreKind.CosineSimilarity or ScoreKind.DotProductSimilarity;

    /// <summary>Converts the kernel's internal value (higher is better) to the score reported for <paramref name="kind"/>.</summary>
    public static double ToReported(ScoreKind kind, float internalScore) => kind switch
    {
        ScoreKind.CosineSimilarity or ScoreKind.DotProductSimilarity => internalScore,
        ScoreKind.CosineDistance => 1d - internalScore,
        // Internal values of the remaining kinds are negated distances (or the plain dot product, for the negative dot product).
        _ => -(double)internalScore,
    };

    /// <summary>
    /// Converts a caller's <see cref="VectorSearchOptions{TRecord}.ScoreThreshold"/> to the internal scale: a result is kept when
    /// its internal value is greater than or equal to the returned value (i.e. reported score &gt;= threshold for similarities,
    /// &lt;= threshold for distances).
    /// </summary>
    public static float ToInternalThreshold(ScoreKind kind, double? threshold)
    {
        if (threshold is not double t)
        {
            return float.NegativeInfinity;
        }

        return kind switch
        {
            ScoreKind.CosineSimilarity or ScoreKind.DotProductSimilarity => (float)t,
            ScoreKind.CosineDistance => (float)(1d - t),
            _ => (float)-t,
        };
    }
}
