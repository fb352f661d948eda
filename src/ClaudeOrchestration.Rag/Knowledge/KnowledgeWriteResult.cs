namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>What adding a document did.</summary>
public enum KnowledgeWriteStatus
{
    /// <summary>The document was new and was stored.</summary>
    Added,

    /// <summary>The document existed with other content or metadata; its chunks were replaced.</summary>
    Updated,

    /// <summary>The document existed with the same content, metadata and settings; nothing was written.</summary>
    Unchanged,
}

/// <summary>The outcome of <see cref="IKnowledgeBase.AddOrUpdateAsync"/>.</summary>
public sealed class KnowledgeWriteResult
{
    /// <summary>The document's id (generated when the document had none).</summary>
    public required string DocumentId { get; init; }

    /// <summary>What was done.</summary>
    public required KnowledgeWriteStatus Status { get; init; }

    /// <summary>How many chunks the document is stored as.</summary>
    public required int ChunkCount { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the document text.</summary>
    public required string ContentHash { get; init; }
}
