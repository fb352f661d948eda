namespace ClaudeOrchestration.Benchmarks.Quality;

/// <summary>
/// Per-query retrieval metrics as trec_eval defines them for binary relevance (trec_eval 9.x: <c>ndcg_cut</c>,
/// <c>map_cut</c>, <c>recall</c>, <c>P</c>). <paramref name="ranking"/> arguments are document ids best first, without
/// duplicates; <paramref name="relevant"/> is the judged-relevant set of the query. Averages over queries are plain means over
/// the judged queries.
/// </summary>
/// <remarks>Self-contained (no project references): the unit tests compile this file in directly.</remarks>
public static class RetrievalMetrics
{
    /// <summary>
    /// nDCG@k (<c>ndcg_cut_k</c>): DCG = Σ_{i=1..k} rel_i / log2(i + 1) over the ranking, divided by the DCG of the ideal
    /// ranking (all relevant documents first); 0 when nothing is relevant.
    /// </summary>
    public static double NdcgAt(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        var dcg = 0d;
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            if (relevant.Contains(ranking[i]))
            {
                dcg += 1 / Math.Log2(i + 2);
            }
        }

        var ideal = 0d;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }

        return dcg / ideal;
    }

    /// <summary>
    /// Average precision cut at k (<c>map_cut_k</c>): Σ over relevant documents retrieved at rank r ≤ k of P@r, divided by
    /// the number of relevant documents (retrieved or not).
    /// </summary>
    public static double AveragePrecisionAt(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        var hits = 0;
        var sum = 0d;
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            if (relevant.Contains(ranking[i]))
            {
                hits++;
                sum += (double)hits / (i + 1);
            }
        }

        return sum / relevant.Count;
    }

    /// <summary>Recall@k (<c>recall_k</c>): relevant documents in the first k over all relevant documents.</summary>
    public static double RecallAt(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k) =>
        relevant.Count == 0 ? 0 : (double)ranking.Take(k).Count(relevant.Contains) / relevant.Count;

    /// <summary>Precision@k (<c>P_k</c>): relevant documents in the first k over k (a shorter ranking still divides by k).</summary>
    public static double PrecisionAt(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k) =>
        (double)ranking.Take(k).Count(relevant.Contains) / k;
}
