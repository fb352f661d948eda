namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>A document to add to the knowledge base.</summary>
public sealed class KnowledgeDocument
{
    /// <summary>
    /// The document's id. When <see langword="null"/>, the id is <see cref="SourcePath"/> if set, otherwise the SHA-256 of
    /// the text, so adding the same anonymous text twice stores it once.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>The document's text. Line endings are normalised to <c>\n</c> before hashing and chunking.</summary>
    public required string Text { get; init; }

    /// <summary>The project the document belongs to, for filtering (<see cref="KnowledgeFilter.Project"/>).</summary>
    public string? Project { get; init; }

    /// <summary>Where the document came from (a file path, a URL).</summary>
    public string? SourcePath { get; init; }

    /// <summary>A human-readable title.</summary>
    public string? Title { get; init; }

    /// <summary>Tags, for filtering (<see cref="KnowledgeFilter.Tags"/>).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Other metadata, kept with the document and returned with search results but not filterable.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
}
