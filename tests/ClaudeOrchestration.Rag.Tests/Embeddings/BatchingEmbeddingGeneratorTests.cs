using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Tests.Embeddings;

public sealed class BatchingEmbeddingGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_MoreValuesThanBatchSize_SplitsIntoBatchesAndKeepsOrder()
    {
        var inner = new CountingEmbeddingGenerator();
        using var batching = new BatchingEmbeddingGenerator(inner, batchSize: 4, expectedDimensions: 384);
        var texts = Enumerable.Range(0, 10).Select(i => $"text number {i}").ToArray();

        var embeddings = await batching.GenerateAsync(texts, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([4, 4, 2], inner.BatchSizes);
        var expected = new HashingEmbeddingGenerator();
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected.Embed(texts[i]), embeddings[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task GenerateAsync_NoValues_ReturnsEmptyWithoutCallingInner()
    {
        var inner = new CountingEmbeddingGenerator();
        using var batching = new BatchingEmbeddingGenerator(inner);

        var embeddings = await batching.GenerateAsync([], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(embeddings);
        Assert.Equal(0, inner.Calls);
    }

    [Fact]
    public async Task GenerateAsync_InnerThrows_ThrowsEmbeddingGenerationExceptionWithCauseAndBatchStart()
    {
        var cause = new HttpRequestException("503 Service Unavailable");
        var calls = 0;
        using var batching = new BatchingEmbeddingGenerator(
            new ScriptedEmbeddingGenerator(values => ++calls == 2 ? throw cause : new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[] { 1, 0 })))),
            batchSize: 3);

        var error = await Assert.ThrowsAsync<EmbeddingGenerationException>(() => batching.GenerateAsync(["a", "b", "c", "d", "e"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Same(cause, error.InnerException);
        Assert.Equal(3, error.InputIndex);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Contains("scripted/scripted-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_InnerReturnsTooFewEmbeddings_Throws()
    {
        using var batching = new BatchingEmbeddingGenerator(
            new ScriptedEmbeddingGenerator(values => new GeneratedEmbeddings<Embedding<float>>([new Embedding<float>(new float[] { 1, 0 })])));

        var error = await Assert.ThrowsAsync<EmbeddingGenerationException>(() => batching.GenerateAsync(["a", "b"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("returned 1 embeddings for 2 inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_WrongDimensions_ThrowsNamingTheFix()
    {
        using var batching = new BatchingEmbeddingGenerator(ScriptedEmbeddingGenerator.WithDimensions(256), expectedDimensions: 384);

        var error = await Assert.ThrowsAsync<EmbeddingGenerationException>(() => batching.GenerateAsync(["a"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(384, error.ExpectedDimensions);
        Assert.Equal(256, error.ActualDimensions);
        Assert.Contains("EmbeddingDimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_InconsistentDimensionsWithoutExpectation_Throws()
    {
        using var batching = new BatchingEmbeddingGenerator(new ScriptedEmbeddingGenerator(values =>
            new GeneratedEmbeddings<Embedding<float>>(values.Select((_, i) => new Embedding<float>(ScriptedEmbeddingGenerator.Unit(i == 0 ? 8 : 16, 1))))));

        var error = await Assert.ThrowsAsync<EmbeddingGenerationException>(() => batching.GenerateAsync(["a", "b"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(1, error.InputIndex);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    public async Task GenerateAsync_ZeroOrNaNVector_Throws(float value)
    {
        using var batching = new BatchingEmbeddingGenerator(new ScriptedEmbeddingGenerator(values =>
            new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new[] { value, 0f, 0f })))));

        await Assert.ThrowsAsync<EmbeddingGenerationException>(() => batching.GenerateAsync(["a"], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GenerateAsync_EmptyVector_Throws()
    {
        using var batching = new BatchingEmbeddingGenerator(new ScriptedEmbeddingGenerator(values =>
            new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(ReadOnlyMemory<float>.Empty)))));

        var error = await Assert.ThrowsAsync<EmbeddingGenerationException>(() => batching.GenerateAsync(["a"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("empty vector", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_ThrowsOperationCanceledUnwrapped()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        using var batching = new BatchingEmbeddingGenerator(new HashingEmbeddingGenerator());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batching.GenerateAsync(["a"], cancellationToken: cts.Token));
    }
}
