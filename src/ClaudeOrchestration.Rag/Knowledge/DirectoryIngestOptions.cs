namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>Which files <see cref="IKnowledgeBase.IngestDirectoryAsync"/> reads and how it labels them.</summary>
public sealed class DirectoryIngestOptions
{
    /// <summary>Glob patterns of files to read, relative to the folder (<c>**/*.md</c>, <c>docs/*.txt</c>). Default: every file.</summary>
    public IReadOnlyList<string> Include { get; init; } = ["**/*"];

    /// <summary>Glob patterns of files to leave out. Default: <c>bin</c>, <c>obj</c>, <c>.git</c> and <c>node_modules</c> folders.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = ["**/bin/**", "**/obj/**", "**/.git/**", "**/node_modules/**"];

    /// <summary>Files larger than this many bytes are skipped. Default 1 MiB.</summary>
    public long MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>The project every ingested document belongs to; also prefixes document ids (<c>project/relative/path</c>).</summary>
    public string? Project { get; init; }

    /// <summary>Tags put on every ingested document.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
