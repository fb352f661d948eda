namespace ClaudeOrchestration.Rag.Embeddings;

/// <summary>
/// The word splitting and stable hashing shared by the hashing embedder and keyword (BM25) ranking, so that both see the
/// same terms. Words are runs of letters and digits; comparison is case-insensitive (invariant culture).
/// </summary>
internal static class LexicalText
{
    /// <summary>Longest word (in chars) that can be a stop word; also the stack buffer size for lower-casing.</summary>
    private const int MaxStopWordLength = 16;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    // A deliberately short list: only words that carry no topic. Queried through a span lookup (no allocation).
    private static readonly HashSet<string> StopWordSet = new(
    [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "did", "do", "does", "for", "from", "had", "has",
        "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or",
        "our", "she", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
        "too", "us", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    ], StringComparer.Ordinal);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWords =
        StopWordSet.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Returns the next word at or after <paramref name="position"/>, or <see langword="false"/> at the end.</summary>
    public static bool TryGetNextWord(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        var i = position;
        while (i < text.Length && !char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        if (i >= text.Length)
        {
            position = text.Length;
            start = 0;
            length = 0;
            return false;
        }

        start = i;
        while (i < text.Length && char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        length = i - start;
        position = i;
        return true;
    }

    /// <summary>Whether <paramref name="word"/> (any case) is on the stop-word list.</summary>
    public static bool IsStopWord(ReadOnlySpan<char> word)
    {
        if (word.Length > MaxStopWordLength)
        {
            return false;
        }

        Span<char> lower = stackalloc char[MaxStopWordLength];
        var written = word.ToLowerInvariant(lower);
        return StopWords.Contains(lower[..written]);
    }

    /// <summary>Case-insensitive FNV-1a over <paramref name="text"/>, continuing from <paramref name="hash"/>.</summary>
    public static ulong Hash(ReadOnlySpan<char> text, ulong hash = FnvOffset)
    {
        foreach (var c in text)
        {
            hash ^= char.ToLowerInvariant(c);
            hash *= FnvPrime;
        }

        return hash;
    }

    /// <summary>Seeds a hash with a feature family tag so that, say, the word "ing" and the n-gram "ing" differ.</summary>
    public static ulong Seed(char family) => (FnvOffset ^ family) * FnvPrime;

    /// <summary>SplitMix64 finaliser: spreads FNV's weak low bits before the hash is reduced to a vector index.</summary>
    public static ulong Mix(ulong value)
    {
        value ^= value >> 30;
        value *= 0xBF58476D1CE4E5B9UL;
        value ^= value >> 27;
        value *= 0x94D049BB133111EBUL;
        value ^= value >> 31;
        return value;
    }

    /// <summary>Lower-cased terms of <paramref name="text"/> without stop words, for keyword ranking.</summary>
    public static List<string> Terms(string text)
    {
        var terms = new List<string>();
        var position = 0;
        while (TryGetNextWord(text, ref position, out var start, out var length))
        {
            var word = text.AsSpan(start, length);
            if (!IsStopWord(word))
            {
                terms.Add(word.ToString().ToLowerInvariant());
            }
        }

        return terms;
    }
}
