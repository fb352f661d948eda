using ClaudeOrchestration.Rag.Embeddings;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// BM25 (k1 = 1.2, b = 0.75) over a candidate set, with document frequencies taken from the candidates themselves, and
/// reciprocal rank fusion with the vector ranking.
/// </summary>
internal static class KeywordRanker
{
    public const int FusionK = 60;
    private const double K1 = 1.2;
    private const double B = 0.75;

    /// <summary>BM25 score of each text for the query's terms (0 when no term occurs).</summary>
    public static double[] Score(string query, IReadOnlyList<string> texts)
    {
        var scores = new double[texts.Count];
        var queryTerms = LexicalText.Terms(query).Distinct(StringComparer.Ordinal).ToList();
        if (queryTerms.Count == 0 || texts.Count == 0)
        {
            return scores;
        }

        var termCounts = new Dictionary<string, int>[texts.Count];
        var lengths = new int[texts.Count];
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            var terms = LexicalText.Terms(texts[i]);
            lengths[i] = terms.Count;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var term in terms)
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
            }

            termCounts[i] = counts;
            foreach (var term in queryTerms)
            {
                if (counts.ContainsKey(term))
                {
                    documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
                }
            }
        }

        var averageLength = Math.Max(1d, lengths.Average());
        for (var i = 0; i < texts.Count; i++)
        {
            var score = 0d;
            foreach (var term in queryTerms)
            {
                if (!termCounts[i].TryGetValue(term, out var tf))
                {
                    continue;
                }

                var df = documentFrequency[term];
                var idf = Math.Log(1 + ((texts.Count - df + 0.5) / (df + 0.5)));
                score += idf * (tf * (K1 + 1)) / (tf + (K1 * (1 - B + (B * lengths[i] / averageLength))));
            }

            scores[i] = score;
        }

        return scores;
    }

    /// <summary>
    /// Reciprocal rank fusion of the vector order (the input order) and the keyword order (by <paramref name="keywordScores"/>,
    /// texts without any query term get no keyword rank). Returns the fused score of each input.
    /// </summary>
    public static double[] Fuse(double[] keywordScores)
    {
        var fused = new double[keywordScores.Length];
        for (var i = 0; i < fused.Length; i++)
        {
            fused[i] = 1d / (FusionK + i + 1);
        }

        var byKeyword = Enumerable.Range(0, keywordScores.Length)
            .Where(i => keywordScores[i] > 0)
            .OrderByDescending(i => keywordScores[i])
            .ThenBy(i => i)
            .ToList();
        for (var rank = 0; rank < byKeyword.Count; rank++)
        {
            fused[byKeyword[rank]] += 1d / (FusionK + rank + 1);
        }

        return fused;
    }
}
