using ClaudeOrchestration.Rag.Embeddings;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Tests.TestSupport;

/// <summary>Counts calls and values, and delegates to the real hashing generator.</summary>
internal sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>>? inner = null) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner = inner ?? new HashingEmbeddingGenerator();
    private int _calls;
    private int _values;

    public int Calls => Volatile.Read(ref _calls);

    public int Values => Volatile.Read(ref _values);

    public List<int> BatchSizes { get; } = [];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _values, list.Count);
        lock (BatchSizes)
        {
            BatchSizes.Add(list.Count);
        }

        return _inner.GenerateAsync(list, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }
}

/// <summary>Returns whatever <see cref="Answer"/> produces for a batch, to simulate broken providers.</summary>
internal sealed class ScriptedEmbeddingGenerator(Func<IReadOnlyList<string>, GeneratedEmbeddings<Embedding<float>>> answer) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Func<IReadOnlyList<string>, GeneratedEmbeddings<Embedding<float>>> Answer { get; } = answer;

    public static ScriptedEmbeddingGenerator WithDimensions(int dimensions) =>
        new(values => new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Unit(dimensions, v.Length)))));

    public static ScriptedEmbeddingGenerator Throwing(Exception exception) => new(_ => throw exception);

    public static float[] Unit(int dimensions, int seed)
    {
        var vector = new float[dimensions];
        vector[Math.Abs(seed) % dimensions] = 1f;
        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        => Task.FromResult(Answer(values.ToList()));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("scripted", null, "scripted-model") : null;

    public void Dispose()
    {
    }
}
