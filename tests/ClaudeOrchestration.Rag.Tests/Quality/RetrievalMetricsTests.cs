using ClaudeOrchestration.Benchmarks.Quality;

namespace ClaudeOrchestration.Rag.Tests.Quality;

/// <summary>The benchmark's metrics against trec_eval's definitions, on rankings small enough to work out by hand.</summary>
public sealed class RetrievalMetricsTests
{
    [Fact]
    public void PerfectRanking_ScoresOneOnEveryMetric()
    {
        var relevant = Enumerable.Range(0, 10).Select(i => $"d{i}").ToHashSet();
        string[] ranking = [.. relevant, "x1", "x2"];

        Assert.Equal(1.0, RetrievalMetrics.NdcgAt(ranking, relevant, 10), 12);
        Assert.Equal(1.0, RetrievalMetrics.AveragePrecisionAt(ranking, relevant, 100), 12);
        Assert.Equal(1.0, RetrievalMetrics.RecallAt(ranking, relevant, 100), 12);
        Assert.Equal(1.0, RetrievalMetrics.PrecisionAt(ranking, relevant, 10), 12);
    }

    [Fact]
    public void RelevantAtRanksOneAndThree_MatchesHandComputedValues()
    {
        string[] ranking = ["a", "b", "c", "d"];
        var relevant = new HashSet<string> { "a", "c" };

        // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3).
        Assert.Equal(1.5 / (1 + (1 / Math.Log2(3))), RetrievalMetrics.NdcgAt(ranking, relevant, 10), 12);
        Assert.Equal((1.0 + (2.0 / 3.0)) / 2, RetrievalMetrics.AveragePrecisionAt(ranking, relevant, 100), 12);
        Assert.Equal(1.0, RetrievalMetrics.RecallAt(ranking, relevant, 100), 12);
        Assert.Equal(0.2, RetrievalMetrics.PrecisionAt(ranking, relevant, 10), 12); // trec_eval divides by k, not by what was retrieved
    }

    [Fact]
    public void RelevantDocumentNeverRetrieved_CountsAgainstAveragePrecisionAndRecall()
    {
        string[] ranking = ["x", "a"];
        var relevant = new HashSet<string> { "a", "b" };

        Assert.Equal(0.25, RetrievalMetrics.AveragePrecisionAt(ranking, relevant, 100), 12);
        Assert.Equal(0.5, RetrievalMetrics.RecallAt(ranking, relevant, 100), 12);
        Assert.Equal((1 / Math.Log2(3)) / (1 + (1 / Math.Log2(3))), RetrievalMetrics.NdcgAt(ranking, relevant, 10), 12);
    }

    [Fact]
    public void Cutoffs_IgnoreWhatIsRankedBelowThem()
    {
        string[] ranking = [.. Enumerable.Range(0, 10).Select(i => $"x{i}"), "a"];
        var relevant = new HashSet<string> { "a" };

        Assert.Equal(0, RetrievalMetrics.NdcgAt(ranking, relevant, 10));
        Assert.Equal(0, RetrievalMetrics.PrecisionAt(ranking, relevant, 10));
        Assert.Equal(1.0 / 11, RetrievalMetrics.AveragePrecisionAt(ranking, relevant, 100), 12);
        Assert.Equal(0, RetrievalMetrics.AveragePrecisionAt(ranking, relevant, 10));
    }

    [Fact]
    public void EmptyRanking_ScoresZero()
    {
        var relevant = new HashSet<string> { "a" };

        Assert.Equal(0, RetrievalMetrics.NdcgAt([], relevant, 10));
        Assert.Equal(0, RetrievalMetrics.AveragePrecisionAt([], relevant, 100));
        Assert.Equal(0, RetrievalMetrics.RecallAt([], relevant, 100));
        Assert.Equal(0, RetrievalMetrics.PrecisionAt([], relevant, 10));
    }
}
