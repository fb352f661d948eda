namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>One piece of a document produced by <see cref="TextChunker"/>.</summary>
internal sealed class TextChunk
{
    /// <summary>Position of the chunk in its document, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>Offset of the chunk's first character in the document text.</summary>
    public required int Start { get; init; }

    /// <summary>The chunk's text: exactly <c>document.Substring(Start, Text.Length)</c>, trailing whitespace included.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// The chunk's size in the chunker's unit, as used for packing: the sum of its sentences' sizes, which is never less
    /// than the tokenizer's count for the whole chunk in practice.
    /// </summary>
    public required int Size { get; init; }

    /// <summary>Offset just past the chunk's last character.</summary>
    public int End => Start + Text.Length;
}
