using ClaudeOrchestration.Rag.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Rag.DependencyInjection;

/// <summary>
/// Logs at start-up which embedding generator the RAG package uses (the hashing fallback or a registered model), so a host
/// that meant to run a semantic model can see at once that it does not.
/// </summary>
internal sealed class EmbedderStartupLog(IEmbeddingGenerator<string, Embedding<float>> generator, ILogger<EmbedderStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        Log.EmbedderActive(logger, generator.GetType().Name, metadata?.ProviderName, metadata?.DefaultModelId, metadata?.DefaultModelDimensions);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
