using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.VectorStores.Hybrid;

/// <summary>
/// Hybrid search options that also weight the keyword ranking against the vector ranking in the embedded stores' reciprocal
/// rank fusion; MEVD's <see cref="HybridSearchOptions{TRecord}"/> has no such knob, so the knowledge base passes this subclass
/// (other stores read it as plain options and ignore the weight).
/// </summary>
internal sealed class WeightedHybridSearchOptions<TRecord> : HybridSearchOptions<TRecord>
{
    /// <summary>The keyword ranking's weight in the fusion, the vector ranking's being 1. Default 1 (plain RRF).</summary>
    public double KeywordWeight { get; init; } = 1d;

    /// <summary>The keyword weight <paramref name="options"/> asks for: 1 unless they are <see cref="WeightedHybridSearchOptions{TRecord}"/>.</summary>
    public static double KeywordWeightOf(HybridSearchOptions<TRecord> options) =>
        options is WeightedHybridSearchOptions<TRecord> weighted ? weighted.KeywordWeight : 1d;
}
