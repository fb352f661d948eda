using System.Numerics.Tensors;
using ClaudeOrchestration.Rag.LocalEmbeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Rag.LocalEmbeddings.Tests;

/// <summary>The real model (inside the package), no fakes.</summary>
public sealed class MiniLmEmbeddingGeneratorTests : IClassFixture<MiniLmFixture>
{
    private readonly MiniLmEmbeddingGenerator _generator;

    public MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) => _generator = fixture.Generator;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_ReturnsUnitLengthVectorsOfTheModelsDimensions()
    {
        var embeddings = await _generator.GenerateAsync(["hello world", "a second sentence"], cancellationToken: Ct);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, e.Vector.Length);
            Assert.Equal(1.0, TensorPrimitives.Norm(e.Vector.Span), 3);
            Assert.Equal(MiniLmEmbeddingGenerator.ModelId, e.ModelId);
        });
    }

    [Fact]
    public async Task GenerateAsync_SimilarMeaning_ScoresHigherThanUnrelatedText()
    {
        var embeddings = await _generator.GenerateAsync(
            ["The cat is sleeping on the mat.", "A kitten naps on a rug.", "Quarterly revenue grew by five percent."],
            cancellationToken: Ct);

        var related = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);
        Assert.True(related > unrelated + 0.2, $"related {related}, unrelated {unrelated}");
    }

    [Fact]
    public async Task GenerateAsync_MixedLengthsInOneCall_MatchEachTextEncodedAlone()
    {
        string[] texts = ["short", string.Join(' ', Enumerable.Repeat("a much longer text about vector search", 12)), "mid length sentence here", ""];

        var batched = await _generator.GenerateAsync(texts, cancellationToken: Ct);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await _generator.GenerateAsync([texts[i]], cancellationToken: Ct);
            Assert.True(TensorPrimitives.CosineSimilarity(alone[0].Vector.Span, batched[i].Vector.Span) > 0.999, $"text {i} changed when batched");
        }
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCallers_GetTheSameVectors()
    {
        var expected = await _generator.GenerateAsync(["concurrency check"], cancellationToken: Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _generator.GenerateAsync(["concurrency check"], cancellationToken: Ct), Ct)));

        Assert.All(results, r => Assert.True(TensorPrimitives.CosineSimilarity(expected[0].Vector.Span, r[0].Vector.Span) > 0.9999));
    }

    [Fact]
    public async Task GenerateAsync_TextLongerThanTheModelReads_IsTruncatedNotRejected()
    {
        var embeddings = await _generator.GenerateAsync([string.Join(' ', Enumerable.Repeat("token", 5_000))], cancellationToken: Ct);

        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, embeddings[0].Vector.Length);
    }

    [Fact]
    public void GetService_Metadata_NamesTheModel()
    {
        var metadata = Assert.IsType<EmbeddingGeneratorMetadata>(_generator.GetService(typeof(EmbeddingGeneratorMetadata)));

        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, metadata.DefaultModelId);
        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, metadata.DefaultModelDimensions);
    }

    [Fact]
    public void AddMiniLmEmbeddings_AfterAddRag_ReplacesTheHashingEmbedder()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory).AddMiniLmEmbeddings();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<MiniLmEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public void AddMiniLmEmbeddings_BeforeAddRag_IsKept()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().AddMiniLmEmbeddings().AddRag(o => o.Storage = RagStorage.InMemory);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<MiniLmEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }
}

/// <summary>Loads the model once for the test class.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();

    public void Dispose() => Generator.Dispose();
}
