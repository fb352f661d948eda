using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Rag.Diagnostics;

/// <summary>Source-generated log messages of the RAG package. Document and query text is never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Knowledge document {DocumentId} {Status} ({ChunkCount} chunks).")]
    public static partial void DocumentWritten(ILogger logger, string documentId, KnowledgeWriteStatus status, int chunkCount);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Knowledge document {DocumentId} deleted ({ChunkCount} chunks).")]
    public static partial void DocumentDeleted(ILogger logger, string documentId, int chunkCount);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Skipped {Path} while ingesting: {Reason}")]
    public static partial void FileSkipped(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information,
        Message = "Ingested {Directory}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Skipped} skipped, {Chunks} chunks written.")]
    public static partial void DirectoryIngested(ILogger logger, string directory, int added, int updated, int unchanged, int skipped, int chunks);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Context {ContextId} changed by another writer (version {Version}); retrying the update.")]
    public static partial void ContextUpdateConflict(ILogger logger, string contextId, long version);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Expired {Count} contexts idle since before {Cutoff:O}.")]
    public static partial void ContextsExpired(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Context expiry sweep failed; the next sweep will retry.")]
    public static partial void ExpirySweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Debug, Message = "Assembled context for {ContextId}: {Tokens}/{Budget} tokens, {Omitted} items left out.")]
    public static partial void ContextAssembled(ILogger logger, string contextId, int tokens, int budget, int omitted);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "RAG embeddings: {Generator} (provider {Provider}, model {Model}, {Dimensions} dimensions).")]
    public static partial void EmbedderActive(ILogger logger, string generator, string? provider, string? model, int? dimensions);
}
