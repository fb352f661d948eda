using ClaudeOrchestration.Rag.Embeddings;

namespace ClaudeOrchestration.Rag.VectorStores.Hybrid;

/// <summary>
/// Turns text into index terms for the in-memory keyword index and keywords into an FTS5 query for the SQLite one. Words are
/// runs of letters and digits (<see cref="LexicalText"/>), lower-cased, stop words dropped, Porter-stemmed (the stemmer of
/// SQLite FTS5's <c>porter</c> tokenizer; measured on CISI, it ranks better than folding plurals only).
/// </summary>
internal static class KeywordAnalyzer
{
    /// <summary>The terms of <paramref name="text"/>, in order, repeats kept.</summary>
    public static List<string> Terms(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var terms = LexicalText.Terms(text);
        for (var i = 0; i < terms.Count; i++)
        {
            terms[i] = PorterStemmer.Stem(terms[i]);
        }

        return terms;
    }

    /// <summary>The distinct terms of all <paramref name="keywords"/>.</summary>
    public static List<string> QueryTerms(IEnumerable<string> keywords) =>
        [.. keywords.Where(k => k is not null).SelectMany(Terms).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// An FTS5 MATCH expression: every distinct word of the keywords as a quoted string, OR-ed (a bag of words, as BM25
    /// expects); <see langword="null"/> when the keywords hold no word. Words are letters and digits only, so quoting is safe.
    /// </summary>
    public static string? ToFts5Query(IEnumerable<string> keywords)
    {
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var keyword in keywords)
        {
            if (keyword is null)
            {
                continue;
            }

            foreach (var word in LexicalText.Terms(keyword))
            {
                if (seen.Add(word))
                {
                    words.Add("\"" + word + "\"");
                }
            }
        }

        return words.Count == 0 ? null : string.Join(" OR ", words);
    }
}
