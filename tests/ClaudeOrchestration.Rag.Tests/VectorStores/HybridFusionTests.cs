using ClaudeOrchestration.Rag.VectorStores.Hybrid;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

/// <summary>Reciprocal rank fusion, plain and with the keyword ranking weighted.</summary>
public sealed class HybridFusionTests
{
    private static readonly List<(object Key, double Score)> Vector = [("v", 0.9), ("both", 0.8)];
    private static readonly List<(object Key, double Score)> Keyword = [("k", 12.0), ("both", 11.0)];

    [Fact]
    public void Fuse_PlainRrf_TiesBetweenRankingsGoToTheVectorRank()
    {
        var fused = HybridFusion.Fuse(Vector, Keyword);

        Assert.Equal(["both", "v", "k"], fused.Select(f => (string)f.Key));
        Assert.Equal(2d / (HybridFusion.RrfK + 2), fused[0].Score, 12);
    }

    [Fact]
    public void Fuse_KeywordWeightTwo_PutsTheBestKeywordHitAboveTheBestVectorHit()
    {
        var fused = HybridFusion.Fuse(Vector, Keyword, keywordWeight: 2d);

        Assert.Equal(["both", "k", "v"], fused.Select(f => (string)f.Key));
        Assert.Equal(2d / (HybridFusion.RrfK + 1), fused[1].Score, 12);
    }
}
