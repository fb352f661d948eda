using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Rag.Tests.Knowledge;

public sealed class KeywordRankerTests
{
    [Fact]
    public void Score_RareTermOutweighsCommonTerm()
    {
        string[] texts =
        [
            "the server timed out",
            "a timeout on the server",
            "server logs E4711 nightly",
            "server restart",
        ];

        var scores = KeywordRanker.Score("server E4711", texts);

        Assert.Equal(2, Array.IndexOf(scores, scores.Max()));
        Assert.All(scores, s => Assert.True(s > 0)); // "server" occurs everywhere, so everything scores a little
    }

    [Fact]
    public void Score_NoQueryTerm_IsZeroAndStopWordsAreIgnored()
    {
        var scores = KeywordRanker.Score("the of and", ["the cat and the hat", "of mice and men"]);

        Assert.All(scores, s => Assert.Equal(0, s));
        Assert.Equal([0d], KeywordRanker.Score("zebra", ["no match here"]));
    }

    [Fact]
    public void Score_TermFrequencySaturatesAndLongTextsAreNormalised()
    {
        var scores = KeywordRanker.Score("cache", ["cache", "cache cache cache cache cache cache cache cache", "cache " + string.Join(' ', Enumerable.Repeat("filler", 60)), "other"]);

        Assert.True(scores[1] > scores[0]);
        Assert.True(scores[1] < 3 * scores[0], "BM25 saturates repeated terms");
        Assert.True(scores[2] < scores[0], "a long text with one occurrence scores lower");
    }

    [Fact]
    public void Fuse_KeywordOnlyHitBeatsVectorTopWithoutKeywords()
    {
        // Input order is the vector order; only the third has the keyword.
        var fused = KeywordRanker.Fuse([0, 0, 2.5, 0]);

        Assert.Equal(2, Array.IndexOf(fused, fused.Max()));
        Assert.Equal((1d / 61) + 0, fused[0], 12);
        Assert.Equal((1d / 63) + (1d / 61), fused[2], 12);
    }
}
