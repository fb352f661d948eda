namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>
/// The one search routine both embedded stores use. Exact: a SIMD scan of a <see cref="FlatVectorIndex"/> into a bounded
/// <see cref="TopKHeap"/> of <c>skip + top</c> entries. Approximate: the column's HNSW graph, when the property asks for one
/// and the search has no filter (filtered searches stay exact, so a selective filter cannot starve the result). Then skip,
/// score threshold and conversion to reported scores.
/// </summary>
internal static class VectorSearcher
{
    /// <summary>Returns the best <paramref name="top"/> slots after <paramref name="skip"/>, best first, with reported scores.</summary>
    public static List<(int Slot, double Score)> Search<TFilter>(
        VectorSlotTable table,
        int column,
        ScoreKind kind,
        ReadOnlySpan<float> query,
        int top,
        int skip,
        double? scoreThreshold,
        TFilter filter,
        bool filtered)
        where TFilter : struct, ISlotFilter
    {
        var wanted = (int)Math.Min((long)top + skip, int.MaxValue);
        if (!filtered && table.TrySearchGraph(column, kind, query, wanted, out var approximate))
        {
            return Page(approximate, kind, top, skip, scoreThreshold);
        }

        var index = table.Columns[column];
        var heap = new TopKHeap(Math.Min(wanted, Math.Max(1, index.Count)));

        // The float threshold is relaxed by one ulp and the exact comparison is redone in Page on the reported (double)
        // score, so a result scoring exactly the threshold is kept whatever the rounding.
        var threshold = Scoring.ToInternalThreshold(kind, scoreThreshold);
        if (float.IsFinite(threshold))
        {
            threshold = MathF.BitDecrement(threshold);
        }

        index.Search(query, kind, heap, threshold, filter);
        return Page(heap.DrainDescending(), kind, top, skip, scoreThreshold);
    }

    /// <summary>Applies skip, top and the exact threshold to candidates sorted best first (internal scale).</summary>
    public static List<(int Slot, double Score)> Page(ReadOnlySpan<(float Score, int Id)> ranked, ScoreKind kind, int top, int skip, double? scoreThreshold)
    {
        var results = new List<(int Slot, double Score)>(Math.Min(top, Math.Max(0, ranked.Length - skip)));
        var higherIsBetter = Scoring.HigherIsBetter(kind);
        for (var i = skip; i < ranked.Length && results.Count < top; i++)
        {
            var score = Scoring.ToReported(kind, ranked[i].Score);
            if (scoreThreshold is double t && (higherIsBetter ? score < t : score > t))
            {
                break; // ranked best first: everything after is further from the query
            }

            results.Add((ranked[i].Id, score));
        }

        return results;
    }
}
