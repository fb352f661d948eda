namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>A document as stored in the knowledge base, rebuilt from its chunks.</summary>
public sealed class StoredKnowledgeDocument
{
    /// <summary>The document's id.</summary>
    public required string Id { get; init; }

    /// <summary>The document's text, with line endings normalised to <c>\n</c>.</summary>
    public required string Text { get; init; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="Text"/>.</summary>
    public required string ContentHash { get; init; }

    /// <summary>How many chunks the document is stored as.</summary>
    public required int ChunkCount { get; init; }

    /// <summary>When the document was last written.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The document's project, if any.</summary>
    public string? Project { get; init; }

    /// <summary>Where the document came from, if known.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The document's title, if any.</summary>
    public string? Title { get; init; }

    /// <summary>The document's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The document's other metadata.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
}
