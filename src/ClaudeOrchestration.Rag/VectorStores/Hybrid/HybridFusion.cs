namespace ClaudeOrchestration.Rag.VectorStores.Hybrid;

/// <summary>
/// Fuses a vector ranking and a keyword ranking that were retrieved independently (each best first) into one ranking by
/// reciprocal rank fusion: <c>score = Σ 1 / (k + rank)</c> over the rankings a record appears in, k = 60. Rank fusion needs no
/// score calibration between cosine similarity and BM25 (whose scale depends on the corpus and the query length); measured
/// against min-max normalised score fusion on CISI in <c>docs/benchmarks.md</c>.
/// </summary>
internal static class HybridFusion
{
    /// <summary>The RRF constant from Cormack et al. (2009); the value PostgreSQL/pgvector and most engines use.</summary>
    public const int RrfK = 60;

    /// <summary>Fuses the two rankings; returns keys best first with their fused score (ties by vector rank, then keyword rank).</summary>
    public static List<(object Key, double Score)> Fuse(
        IReadOnlyList<(object Key, double Score)> vector,
        IReadOnlyList<(object Key, double Score)> keyword,
        HybridFusionMethod method = HybridFusionMethod.ReciprocalRank,
        double keywordWeight = 1d)
    {
        var fused = new Dictionary<object, (double Score, int VectorRank, int KeywordRank)>(vector.Count + keyword.Count);
        var vectorNorm = method == HybridFusionMethod.NormalizedScore ? MinMax(vector) : default;
        var keywordNorm = method == HybridFusionMethod.NormalizedScore ? MinMax(keyword) : default;
        for (var i = 0; i < vector.Count; i++)
        {
            var contribution = method == HybridFusionMethod.ReciprocalRank ? 1d / (RrfK + i + 1) : Normalize(vector[i].Score, vectorNorm);
            fused[vector[i].Key] = (contribution, i, int.MaxValue);
        }

        for (var i = 0; i < keyword.Count; i++)
        {
            var contribution = keywordWeight * (method == HybridFusionMethod.ReciprocalRank ? 1d / (RrfK + i + 1) : Normalize(keyword[i].Score, keywordNorm));
            fused[keyword[i].Key] = fused.TryGetValue(keyword[i].Key, out var existing)
                ? (existing.Score + contribution, existing.VectorRank, i)
                : (contribution, int.MaxValue, i);
        }

        var ranked = fused.Select(p => (p.Key, p.Value.Score, p.Value.VectorRank, p.Value.KeywordRank)).ToList();
        ranked.Sort(static (a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byVector = a.VectorRank.CompareTo(b.VectorRank);
            return byVector != 0 ? byVector : a.KeywordRank.CompareTo(b.KeywordRank);
        });
        return ranked.ConvertAll(r => (r.Key, r.Score));
    }

    private static (double Min, double Max) MinMax(IReadOnlyList<(object Key, double Score)> ranking)
    {
        if (ranking.Count == 0)
        {
            return (0, 0);
        }

        var min = double.MaxValue;
        var max = double.MinValue;
        foreach (var (_, score) in ranking)
        {
            min = Math.Min(min, score);
            max = Math.Max(max, score);
        }

        return (min, max);
    }

    private static double Normalize(double score, (double Min, double Max) range) =>
        range.Max > range.Min ? (score - range.Min) / (range.Max - range.Min) : 1d;
}

/// <summary>How the embedded stores fuse keyword and vector candidates (an internal knob, for the quality benchmark).</summary>
internal enum HybridFusionMethod
{
    /// <summary>Reciprocal rank fusion, k = 60 (the default).</summary>
    ReciprocalRank,

    /// <summary>Each ranking's scores min-max normalised to 0..1 and added.</summary>
    NormalizedScore,
}
