namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// Restricts a knowledge search by metadata. Every condition that is set must hold (AND); <see langword="null"/>
/// conditions are ignored. Values are compared exactly (case-sensitive).
/// </summary>
public sealed class KnowledgeFilter
{
    /// <summary>Only chunks of documents in this project.</summary>
    public string? Project { get; init; }

    /// <summary>Only chunks of the document with this id.</summary>
    public string? DocumentId { get; init; }

    /// <summary>Only chunks of documents with this source path.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Only chunks of documents that carry every one of these tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Whether no condition is set.</summary>
    public bool IsEmpty => Project is null && DocumentId is null && SourcePath is null && (Tags is null || Tags.Count == 0);
}
