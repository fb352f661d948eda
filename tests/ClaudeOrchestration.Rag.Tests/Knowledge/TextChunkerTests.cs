using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Rag.Tests.Knowledge;

public sealed class TextChunkerTests
{
    [Fact]
    public void Chunk_ShortText_ReturnsOneChunkWithTheWholeText()
    {
        var chunker = new TextChunker(512, 64);

        var chunks = chunker.Chunk("One sentence. Two sentences.");

        var chunk = Assert.Single(chunks);
        Assert.Equal("One sentence. Two sentences.", chunk.Text);
        Assert.Equal(0, chunk.Start);
    }

    [Fact]
    public void Chunk_EmptyText_ReturnsNoChunks() => Assert.Empty(new TextChunker(100, 10).Chunk(string.Empty));

    [Theory]
    [InlineData(ChunkUnit.Tokens, 64, 0)]
    [InlineData(ChunkUnit.Tokens, 64, 16)]
    [InlineData(ChunkUnit.Tokens, 200, 40)]
    [InlineData(ChunkUnit.Characters, 300, 0)]
    [InlineData(ChunkUnit.Characters, 300, 80)]
    public void Chunk_LongText_ChunksFitTheSizeAndTileTheDocument(ChunkUnit unit, int size, int overlap)
    {
        var chunker = new TextChunker(size, overlap, unit);
        var text = SampleText.Paragraphs(12, 5);

        var chunks = chunker.Chunk(text);

        Assert.True(chunks.Count > 3);
        Assert.Equal(0, chunks[0].Start);
        Assert.Equal(text.Length, chunks[^1].End);
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(i, chunks[i].Index);
            Assert.Equal(text.Substring(chunks[i].Start, chunks[i].Text.Length), chunks[i].Text);
            Assert.True(Measure(unit, chunks[i].Text) <= size, $"chunk {i} measures {Measure(unit, chunks[i].Text)} > {size}");
            if (i > 0)
            {
                Assert.True(chunks[i].Start <= chunks[i - 1].End, "chunks must tile the text");
                Assert.True(chunks[i].Start > chunks[i - 1].Start, "chunks must advance");
            }
        }

        Assert.Equal(text, Rebuild(chunks));
    }

    [Fact]
    public void Chunk_WithOverlap_RepeatsWholeTrailingSentencesWithinTheOverlap()
    {
        var chunker = new TextChunker(80, 30);
        var text = SampleText.Paragraphs(1, 40);

        var chunks = chunker.Chunk(text);

        Assert.True(chunks.Count > 3);
        for (var i = 1; i < chunks.Count; i++)
        {
            var overlap = chunks[i - 1].End - chunks[i].Start;
            Assert.True(overlap > 0, $"chunk {i} does not overlap the previous one");
            var shared = text.Substring(chunks[i].Start, overlap);
            Assert.True(RagTokenizer.Default.CountTokens(shared) <= 30);
            Assert.StartsWith(chunks[i].Text[..1].ToUpperInvariant(), chunks[i].Text[..1], StringComparison.Ordinal); // starts a sentence
            Assert.EndsWith(". ", shared, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Chunk_WithoutOverlap_ChunksMeetExactly()
    {
        var chunks = new TextChunker(80, 0).Chunk(SampleText.Paragraphs(3, 10));

        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(chunks[i - 1].End, chunks[i].Start);
        }
    }

    [Fact]
    public void Chunk_ParagraphsThatFitTogetherOnlyPartly_BreaksAtTheParagraphBoundary()
    {
        // Each paragraph is about 60% of a chunk: greedy packing would cut the second paragraph mid-way.
        var paragraph = SampleText.Paragraphs(1, 4, seed: 3).TrimEnd();
        var size = (int)(RagTokenizer.Default.CountTokens(paragraph) / 0.6);
        var text = string.Join("\n\n", paragraph, paragraph, paragraph);

        var chunks = new TextChunker(size, 0).Chunk(text);

        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(paragraph, c.Text.TrimEnd()));
    }

    [Fact]
    public void Chunk_SentenceBoundaries_ChunksStartAtSentenceStarts()
    {
        var text = SampleText.Paragraphs(1, 30);
        var sentenceStarts = new HashSet<int> { 0 };
        for (var i = 0; i + 2 < text.Length; i++)
        {
            if (text[i] == '.' && text[i + 1] == ' ')
            {
                sentenceStarts.Add(i + 2);
            }
        }

        var chunks = new TextChunker(70, 20).Chunk(text);

        Assert.All(chunks, c => Assert.Contains(c.Start, sentenceStarts));
    }

    [Fact]
    public void Chunk_SentenceLongerThanAChunk_SplitsBetweenWords()
    {
        var text = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i}")) + ".";

        var chunks = new TextChunker(50, 10).Chunk(text);

        Assert.True(chunks.Count > 4);
        Assert.All(chunks, c => Assert.True(RagTokenizer.Default.CountTokens(c.Text) <= 50));
        Assert.All(chunks.Skip(1), c => Assert.StartsWith("word", c.Text, StringComparison.Ordinal));
        Assert.Equal(text, Rebuild(chunks));
    }

    [Fact]
    public void Chunk_WordLongerThanAChunk_SplitsBetweenCharacters()
    {
        var blob = string.Concat(Enumerable.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 40));
        var text = "Header line.\n" + blob + "\nTrailer line.";

        var chunks = new TextChunker(64, 0).Chunk(text);

        Assert.All(chunks, c => Assert.True(RagTokenizer.Default.CountTokens(c.Text) <= 64));
        Assert.All(chunks, c => Assert.False(string.IsNullOrWhiteSpace(c.Text)));
        Assert.Equal(text, Rebuild(chunks));
    }

    [Fact]
    public void Chunk_LeadingBlankLines_NoChunkIsOnlyWhitespace()
    {
        var text = "\n\n\n   \n" + SampleText.Paragraphs(6, 4) + "\n\n\n";

        var chunks = new TextChunker(40, 10).Chunk(text);

        Assert.All(chunks, c => Assert.False(string.IsNullOrWhiteSpace(c.Text)));
        Assert.Equal(text, Rebuild(chunks));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(100, 100)]
    [InlineData(100, -1)]
    public void Constructor_InvalidSizes_Throw(int size, int overlap) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new TextChunker(size, overlap));

    private static int Measure(ChunkUnit unit, string text) => unit == ChunkUnit.Tokens ? RagTokenizer.Default.CountTokens(text) : text.Length;

    private static string Rebuild(IReadOnlyList<TextChunk> chunks)
    {
        var text = chunks[0].Text;
        for (var i = 1; i < chunks.Count; i++)
        {
            text += chunks[i].Text[(chunks[i - 1].End - chunks[i].Start)..];
        }

        return text;
    }
}
