using System.Numerics.Tensors;
using System.Security.Cryptography;
using ClaudeOrchestration.Rag.Embeddings;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Tests.Embeddings;

public sealed class HashingEmbeddingGeneratorTests
{
    private readonly HashingEmbeddingGenerator _generator = new();

    [Fact]
    public async Task GenerateAsync_SameText_ReturnsIdenticalUnitVectorsOfDefaultLength()
    {
        var embeddings = await _generator.GenerateAsync(["Chunk documents on paragraph boundaries.", "Chunk documents on paragraph boundaries."], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(384, embeddings[0].Vector.Length);
        Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.Equal(1f, TensorPrimitives.Norm(embeddings[0].Vector.Span), 4);
        Assert.Equal(HashingEmbeddingGenerator.ModelId, embeddings[0].ModelId);
    }

    [Fact]
    public void Embed_FixedText_MatchesVectorPinnedAcrossProcesses()
    {
        // string.GetHashCode is randomised per process; the stable hash puts the same features in the same slots in every
        // process on every machine. The slots and signs are pure integer arithmetic, so they are pinned exactly; the
        // values go through SIMD sums whose rounding may differ by hardware, so they are pinned with a tolerance.
        // If the feature scheme changes on purpose, bump HashingEmbeddingGenerator.ModelId and re-pin.
        var vector = _generator.Embed("The SQLite vector store keeps vectors in memory for fast search.");

        var layout = string.Join(',', vector.Select((v, i) => (v, i)).Where(x => x.v != 0).Select(x => $"{x.i}{(x.v > 0 ? '+' : '-')}"));
        Assert.Equal(PinnedLayoutSha256, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(layout))));
        Assert.Equal(0.22283708f, vector[53], 4);
        Assert.Equal(-0.22283708f, vector[91], 4);
        Assert.Equal(0.22283708f, vector[174], 4);
    }

    [Theory]
    [InlineData(
        "How do I configure the connection string of the SQLite vector store?",
        "SQLite vector store configuration: set the connection string to the database file path.",
        "The quarterly marketing budget was approved by the finance committee yesterday.")]
    [InlineData(
        "reciprocal rank fusion of keyword and vector rankings",
        "Hybrid search fuses the BM25 keyword ranking with the vector ranking using reciprocal rank fusion.",
        "Preheat the oven, then bake the bread for forty minutes until golden.")]
    [InlineData(
        "session expiry after idle timeout",
        "Idle sessions expire: the background service deletes sessions whose idle time exceeds the timeout.",
        "The football match ended in a draw after extra time and penalties.")]
    [InlineData(
        "GetRelevantContextAsync token budget",
        "The context manager's GetRelevantContextAsync method keeps the assembled context within the token budget.",
        "Mountain hiking trails are closed during the winter season.")]
    public async Task Similarity_RelatedTexts_ScoreHigherThanUnrelated(string query, string related, string unrelated)
    {
        var e = await _generator.GenerateAsync([query, related, unrelated], cancellationToken: TestContext.Current.CancellationToken);

        var relatedScore = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[1].Vector.Span);
        var unrelatedScore = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[2].Vector.Span);

        Assert.True(relatedScore > unrelatedScore + 0.15, $"related {relatedScore:F3} vs unrelated {unrelatedScore:F3}");
        Assert.True(relatedScore > 0.2, $"related {relatedScore:F3}");
    }

    [Fact]
    public void Similarity_InflectedWords_MatchThroughCharacterNGrams()
    {
        var query = _generator.Embed("indexing");
        var inflected = _generator.Embed("indexes indexed");
        var other = _generator.Embed("banana");

        Assert.True(TensorPrimitives.CosineSimilarity(query, inflected) > TensorPrimitives.CosineSimilarity(query, other) + 0.2);
    }

    [Fact]
    public void Similarity_IdentifierParts_MatchPlainWords()
    {
        var identifier = _generator.Embed("GetRelevantContextAsync");
        var words = _generator.Embed("relevant context");
        var other = _generator.Embed("database migration");

        Assert.True(TensorPrimitives.CosineSimilarity(identifier, words) > TensorPrimitives.CosineSimilarity(identifier, other) + 0.2);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public async Task GenerateAsync_EmptyOrWhitespace_ThrowsWithIndex(string text)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["fine", text], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("values[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_OnlySymbols_StillGivesAUnitVector()
    {
        var vector = _generator.Embed("{ } => ;");

        Assert.Equal(1f, TensorPrimitives.Norm(vector), 4);
    }

    [Fact]
    public void Embed_OnlyStopWords_StillGivesAUnitVector()
    {
        var vector = _generator.Embed("to be or not to be");

        Assert.Equal(1f, TensorPrimitives.Norm(vector), 4);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsOption_OverridesLength()
    {
        var embeddings = await _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 64 }, TestContext.Current.CancellationToken);

        Assert.Equal(64, embeddings[0].Vector.Length);
    }

    [Fact]
    public async Task GenerateAsync_ManyThreads_GiveTheSameVectorsAsOneThread()
    {
        var texts = Enumerable.Range(0, 200).Select(i => $"document {i} about topic {i % 7} and subject {i % 13}").ToArray();
        var sequential = texts.Select(_generator.Embed).ToArray();

        var parallel = await Task.WhenAll(texts.Select(t => Task.Run(() => _generator.Embed(t), TestContext.Current.CancellationToken)));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Fact]
    public void GetService_Metadata_ReportsModelAndDimensions()
    {
        var metadata = Assert.IsType<EmbeddingGeneratorMetadata>(_generator.GetService(typeof(EmbeddingGeneratorMetadata)));

        Assert.Equal(HashingEmbeddingGenerator.ModelId, metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
    }

    [Fact]
    public void Constructor_TooFewDimensions_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(new HashingEmbeddingGeneratorOptions { Dimensions = 2 }));

    private const string PinnedLayoutSha256 = "593713a096efe9780c179d8bde5f222aa069a07d72d632f3089fae227bea070a";
}
