using ClaudeOrchestration.Rag.Context;
using Microsoft.ML.Tokenizers;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// Splits a document into overlapping chunks of at most <see cref="ChunkSize"/> units (tokens by default), breaking at
/// paragraph boundaries when that keeps a chunk at least half full, otherwise at sentence (or line) boundaries; a
/// sentence longer than a chunk is split between words, and a word longer than a chunk between characters.
/// </summary>
/// <remarks>
/// Chunks tile the document: each starts at or before the previous one's end and the last ends at the end of the text,
/// so the document can be rebuilt from its chunks. Overlap is made of whole sentences (the trailing sentences of a
/// chunk whose total size fits in <see cref="ChunkOverlap"/>), so a chunk never starts mid-sentence unless that
/// sentence alone is longer than a chunk. Instances are immutable and thread-safe.
/// </remarks>
internal sealed class TextChunker
{
    private const string SentenceEnds = ".!?。！？";
    private const string Closers = ")]}\"'”’»";

    private readonly Tokenizer? _tokenizer;

    /// <summary>Creates a chunker.</summary>
    /// <param name="chunkSize">The largest chunk, in <paramref name="unit"/>s.</param>
    /// <param name="chunkOverlap">How much of the end of a chunk is repeated at the start of the next, in <paramref name="unit"/>s; less than <paramref name="chunkSize"/>.</param>
    /// <param name="unit">Whether sizes count tokens or characters.</param>
    /// <param name="tokenizer">The tokenizer for <see cref="ChunkUnit.Tokens"/>; <see langword="null"/> uses <see cref="RagTokenizer.Default"/>.</param>
    public TextChunker(int chunkSize, int chunkOverlap, ChunkUnit unit = ChunkUnit.Tokens, Tokenizer? tokenizer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(chunkOverlap);
        if (chunkOverlap >= chunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkOverlap), chunkOverlap, $"The overlap ({chunkOverlap}) must be smaller than the chunk size ({chunkSize}).");
        }

        if (!Enum.IsDefined(unit))
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown chunk unit.");
        }

        ChunkSize = chunkSize;
        ChunkOverlap = chunkOverlap;
        Unit = unit;
        _tokenizer = unit == ChunkUnit.Tokens ? tokenizer ?? RagTokenizer.Default : null;
    }

    /// <summary>The largest chunk, in <see cref="Unit"/>s.</summary>
    public int ChunkSize { get; }

    /// <summary>The most repeated between neighbouring chunks, in <see cref="Unit"/>s.</summary>
    public int ChunkOverlap { get; }

    /// <summary>What sizes count.</summary>
    public ChunkUnit Unit { get; }

    /// <summary>Measures <paramref name="text"/> in <see cref="Unit"/>s.</summary>
    public int Measure(ReadOnlySpan<char> text) => _tokenizer is null ? text.Length : _tokenizer.CountTokens(text);

    /// <summary>Splits <paramref name="text"/> into chunks; an empty text gives no chunks.</summary>
    public IReadOnlyList<TextChunk> Chunk(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var units = SplitOversized(text, SplitSentences(text));
        var prefix = new long[units.Count + 1];
        for (var i = 0; i < units.Count; i++)
        {
            prefix[i + 1] = prefix[i] + units[i].Size;
        }

        var chunks = new List<TextChunk>();
        var first = 0;
        var previousEnd = 0; // index of the first unit not yet in any chunk
        while (first < units.Count)
        {
            // Greedy: as many units as fit. Every unit fits on its own (SplitOversized), so this always takes one.
            var end = first;
            while (end < units.Count && prefix[end + 1] - prefix[first] <= ChunkSize)
            {
                end++;
            }

            if (end < units.Count)
            {
                end = PreferredEnd(units, prefix, first, end, Math.Max(previousEnd, first) + 1);
            }

            chunks.Add(new TextChunk
            {
                Index = chunks.Count,
                Start = units[first].Start,
                Text = text[units[first].Start..units[end - 1].End],
                Size = (int)(prefix[end] - prefix[first]),
            });

            if (end == units.Count)
            {
                break;
            }

            previousEnd = end;
            first = OverlapStart(units, prefix, first, end);
        }

        return chunks;
    }

    // Backs off from the greedy end to the last paragraph break (else sentence break) that keeps the chunk half full.
    private int PreferredEnd(List<Segment> units, long[] prefix, int first, int greedyEnd, int minimumEnd)
    {
        var halfFull = prefix[first] + (ChunkSize / 2);
        foreach (var wanted in (ReadOnlySpan<Break>)[Break.Paragraph, Break.Sentence])
        {
            for (var end = greedyEnd; end >= minimumEnd && prefix[end] >= halfFull; end--)
            {
                if (units[end - 1].Break >= wanted)
                {
                    return end;
                }
            }
        }

        return greedyEnd;
    }

    // The next chunk starts with the trailing units of this one that fit in the overlap, leaving room for at least one new unit.
    private int OverlapStart(List<Segment> units, long[] prefix, int first, int end)
    {
        var start = end;
        while (start - 1 > first && prefix[end] - prefix[start - 1] <= ChunkOverlap)
        {
            start--;
        }

        while (start < end && prefix[end + 1] - prefix[start] > ChunkSize)
        {
            start++;
        }

        return start;
    }

    // Sentence-level units: a unit ends after sentence punctuation followed by whitespace, or at a line break, and takes
    // the whitespace that follows it, so units tile the text.
    private List<Segment> SplitSentences(string text)
    {
        var units = new List<Segment>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var isLineBreak = c == '\n';
            if (!isLineBreak && !SentenceEnds.Contains(c, StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            var j = i + 1;
            if (!isLineBreak)
            {
                while (j < text.Length && Closers.Contains(text[j], StringComparison.Ordinal))
                {
                    j++;
                }

                if (j < text.Length && !char.IsWhiteSpace(text[j]))
                {
                    i = j; // "3.14", "e.g.x": not a sentence end
                    continue;
                }
            }

            var newlines = isLineBreak ? 1 : 0;
            while (j < text.Length && char.IsWhiteSpace(text[j]))
            {
                if (text[j] == '\n')
                {
                    newlines++;
                }

                j++;
            }

            if (text.AsSpan(start, j - start).IsWhiteSpace())
            {
                i = j; // leading blank lines belong to the sentence that follows them
                continue;
            }

            units.Add(new Segment(start, j, newlines >= 2 ? Break.Paragraph : Break.Sentence, Measure(text.AsSpan(start, j - start))));
            start = j;
            i = j;
        }

        if (start < text.Length)
        {
            units.Add(new Segment(start, text.Length, Break.Paragraph, Measure(text.AsSpan(start))));
        }

        return units;
    }

    private List<Segment> SplitOversized(string text, List<Segment> units)
    {
        if (units.TrueForAll(u => u.Size <= ChunkSize))
        {
            return units;
        }

        var result = new List<Segment>(units.Count + 16);
        foreach (var unit in units)
        {
            if (unit.Size <= ChunkSize)
            {
                result.Add(unit);
                continue;
            }

            // Word pieces (a word and the whitespace after it), words longer than a chunk cut between characters,
            // then packed greedily back into pieces that fit.
            var pieces = new List<Segment>();
            foreach (var (start, end) in Words(text, unit.Start, unit.End))
            {
                AddWordPieces(text, start, end, pieces);
            }

            var packStart = 0;
            while (packStart < pieces.Count)
            {
                var packEnd = packStart;
                var size = 0;
                while (packEnd < pieces.Count && size + pieces[packEnd].Size <= ChunkSize)
                {
                    size += pieces[packEnd].Size;
                    packEnd++;
                }

                var isLast = packEnd == pieces.Count;
                result.Add(new Segment(pieces[packStart].Start, pieces[packEnd - 1].End, isLast ? unit.Break : Break.None, size));
                packStart = packEnd;
            }
        }

        return result;
    }

    private void AddWordPieces(string text, int start, int end, List<Segment> pieces)
    {
        // Cut only inside the word itself, never in its trailing whitespace, so no piece is only whitespace.
        var contentEnd = end;
        while (contentEnd > start && char.IsWhiteSpace(text[contentEnd - 1]))
        {
            contentEnd--;
        }

        var size = Measure(text.AsSpan(start, end - start));
        while (size > ChunkSize)
        {
            var content = text.AsSpan(start, contentEnd - start);
            if (content.Length <= 1 || (content.Length == 2 && char.IsSurrogatePair(content[0], content[1])))
            {
                break; // one character that alone outweighs the chunk size: keep it whole
            }

            var cut = _tokenizer is null
                ? ChunkSize
                : _tokenizer.GetIndexByTokenCount(content, ChunkSize, out _, out _);
            cut = Math.Clamp(cut, 1, content.Length - 1);
            if (char.IsHighSurrogate(content[cut - 1]) && cut > 1)
            {
                cut--; // never split a surrogate pair
            }

            pieces.Add(new Segment(start, start + cut, Break.None, Measure(content[..cut])));
            start += cut;
            size = Measure(text.AsSpan(start, end - start));
        }

        pieces.Add(new Segment(start, end, Break.None, size));
    }

    private static List<(int Start, int End)> Words(string text, int start, int end)
    {
        var words = new List<(int, int)>();
        var i = start;
        while (i < end)
        {
            // A piece is leading whitespace, a word and the whitespace after it, so no piece is only whitespace.
            var wordStart = i;
            while (i < end && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            while (i < end && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            while (i < end && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            words.Add((wordStart, i));
        }

        return words;
    }

    private enum Break
    {
        None,
        Sentence,
        Paragraph,
    }

    private readonly record struct Segment(int Start, int End, Break Break, int Size);
}
