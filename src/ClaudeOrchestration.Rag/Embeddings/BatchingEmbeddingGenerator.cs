using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Embeddings;

/// <summary>
/// Wraps any embedding generator: splits large inputs into batches of at most <see cref="BatchSize"/> values and checks
/// every answer (one vector per input, the expected length, finite and non-zero), turning anything else into an
/// <see cref="EmbeddingGenerationException"/>.
/// </summary>
/// <remarks>Batches run one after another, so a remote generator never sees more than one request from a call.</remarks>
public sealed class BatchingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The default number of values sent per call to the inner generator.</summary>
    public const int DefaultBatchSize = 64;

    private readonly string _generatorName;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator that does the work.</param>
    /// <param name="batchSize">The most values per call to <paramref name="innerGenerator"/>. Default 64.</param>
    /// <param name="expectedDimensions">The vector length every embedding must have; <see langword="null"/> checks only that all vectors of a call agree.</param>
    public BatchingEmbeddingGenerator(
        IEmbeddingGenerator<string, Embedding<float>> innerGenerator,
        int batchSize = DefaultBatchSize,
        int? expectedDimensions = null)
        : base(innerGenerator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (expectedDimensions is { } dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1, nameof(expectedDimensions));
        }

        BatchSize = batchSize;
        ExpectedDimensions = expectedDimensions;
        var metadata = innerGenerator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        _generatorName = metadata is null
            ? innerGenerator.GetType().Name
            : $"{metadata.ProviderName ?? innerGenerator.GetType().Name}/{metadata.DefaultModelId ?? "default model"}";
    }

    /// <summary>The most values sent per call to the inner generator.</summary>
    public int BatchSize { get; }

    /// <summary>The vector length every embedding must have, or <see langword="null"/> when any consistent length is accepted.</summary>
    public int? ExpectedDimensions { get; }

    /// <inheritdoc />
    /// <exception cref="EmbeddingGenerationException">The inner generator failed or returned an unusable answer.</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? [.. values];
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        int? dimensions = ExpectedDimensions;
        UsageDetails? usage = null;
        for (var offset = 0; offset < inputs.Count; offset += BatchSize)
        {
            var count = Math.Min(BatchSize, inputs.Count - offset);
            var batch = offset == 0 && count == inputs.Count ? inputs : Slice(inputs, offset, count);
            GeneratedEmbeddings<Embedding<float>>? answer;
            try
            {
                answer = await base.GenerateAsync(batch, options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is not EmbeddingGenerationException)
            {
                throw new EmbeddingGenerationException(
                    $"The embedding generator {_generatorName} failed on inputs {offset}..{offset + count - 1}: {ex.Message}", ex)
                {
                    Generator = _generatorName,
                    InputIndex = offset,
                };
            }

            if (answer is null || answer.Count != count)
            {
                throw new EmbeddingGenerationException(
                    $"The embedding generator {_generatorName} returned {answer?.Count ?? 0} embeddings for {count} inputs " +
                    $"(inputs {offset}..{offset + count - 1}); it must return exactly one per input.")
                {
                    Generator = _generatorName,
                    InputIndex = offset,
                };
            }

            for (var i = 0; i < count; i++)
            {
                var embedding = answer[i];
                dimensions ??= embedding?.Vector.Length;
                Validate(embedding, offset + i, dimensions ?? 0);
                result.Add(embedding!);
            }

            usage = Add(usage, answer.Usage);
        }

        result.Usage = usage;
        return result;
    }

    private void Validate(Embedding<float>? embedding, int inputIndex, int dimensions)
    {
        var length = embedding?.Vector.Length ?? 0;
        if (length == 0)
        {
            throw new EmbeddingGenerationException(
                $"The embedding generator {_generatorName} returned an empty vector for input {inputIndex}.")
            {
                Generator = _generatorName,
                InputIndex = inputIndex,
                ExpectedDimensions = dimensions,
                ActualDimensions = 0,
            };
        }

        if (length != dimensions)
        {
            var fix = ExpectedDimensions is null
                ? "all vectors of one call must have the same length"
                : "set RagOptions.EmbeddingDimensions to the model's vector length (and re-ingest), or configure the model to produce that length";
            throw new EmbeddingGenerationException(
                $"The embedding generator {_generatorName} returned a vector of {length} dimensions for input {inputIndex}, " +
                $"expected {dimensions}: {fix}.")
            {
                Generator = _generatorName,
                InputIndex = inputIndex,
                ExpectedDimensions = dimensions,
                ActualDimensions = length,
            };
        }

        var norm = TensorPrimitives.Norm(embedding!.Vector.Span);
        if (!float.IsFinite(norm) || norm == 0f)
        {
            throw new EmbeddingGenerationException(
                $"The embedding generator {_generatorName} returned a {(norm == 0f ? "zero" : "non-finite")} vector for input " +
                $"{inputIndex}; it cannot be compared by similarity.")
            {
                Generator = _generatorName,
                InputIndex = inputIndex,
            };
        }
    }

    private static string[] Slice(IReadOnlyList<string> inputs, int offset, int count)
    {
        var slice = new string[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = inputs[offset + i];
        }

        return slice;
    }

    private static UsageDetails? Add(UsageDetails? total, UsageDetails? part)
    {
        if (part is null)
        {
            return total;
        }

        if (total is null)
        {
            return new UsageDetails { InputTokenCount = part.InputTokenCount, TotalTokenCount = part.TotalTokenCount };
        }

        total.InputTokenCount = total.InputTokenCount + part.InputTokenCount;
        total.TotalTokenCount = total.TotalTokenCount + part.TotalTokenCount;
        return total;
    }
}
