using ClaudeOrchestration.Rag.VectorStores.Hybrid;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

/// <summary>The keyword stemmer against words and stems from Porter's paper and his published vocabulary/output pairs.</summary>
public sealed class PorterStemmerTests
{
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("cats", "cat")]
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("hopping", "hop")]
    [InlineData("falling", "fall")]
    [InlineData("filing", "file")]
    [InlineData("happy", "happi")]
    [InlineData("relational", "relat")]
    [InlineData("conditional", "condit")]
    [InlineData("generalization", "gener")]
    [InlineData("hopeful", "hope")]
    [InlineData("goodness", "good")]
    [InlineData("allowance", "allow")]
    [InlineData("adjustment", "adjust")]
    [InlineData("adoption", "adopt")]
    [InlineData("controlling", "control")]
    [InlineData("retrieval", "retriev")]
    [InlineData("libraries", "librari")]
    [InlineData("library", "librari")]
    [InlineData("indexing", "index")]
    [InlineData("indexes", "index")]
    [InlineData("is", "is")]
    [InlineData("x86", "x86")]
    [InlineData("café", "café")]
    public void Stem_EnglishWord_ReturnsThePorterStem(string word, string expected) =>
        Assert.Equal(expected, PorterStemmer.Stem(word));
}
