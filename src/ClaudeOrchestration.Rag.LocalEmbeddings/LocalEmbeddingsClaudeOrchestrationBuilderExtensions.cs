using ClaudeOrchestration.Rag.LocalEmbeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers offline semantic embeddings: <c>services.AddClaudeOrchestration().AddRag().AddMiniLmEmbeddings()</c>.</summary>
public static class LocalEmbeddingsClaudeOrchestrationBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="MiniLmEmbeddingGenerator"/> (all-MiniLM-L6-v2, 384 dimensions) the
    /// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> of the RAG package, replacing the default hashing embedder
    /// (before or after <c>AddRag</c>). <c>RagOptions.Knowledge.EmbeddingDimensions</c> must be 384 (the default).
    /// </summary>
    /// <remarks>
    /// A knowledge base built with another embedder keeps its old chunks until they are written again: re-add the documents
    /// (or run the directory ingest again) after switching, which re-embeds every document because the model is part of each
    /// document's fingerprint.
    /// </remarks>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddMiniLmEmbeddings(this IClaudeOrchestrationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<MiniLmEmbeddingGenerator>();
        _ = builder.Services.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>()));
        return builder;
    }
}
