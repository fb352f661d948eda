namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>What happened to one file during a folder ingest.</summary>
public enum IngestFileStatus
{
    /// <summary>The file was new and was stored.</summary>
    Added,

    /// <summary>The file had changed and its chunks were replaced.</summary>
    Updated,

    /// <summary>The file was already stored as is.</summary>
    Unchanged,

    /// <summary>Skipped: larger than <see cref="DirectoryIngestOptions.MaxFileBytes"/>.</summary>
    SkippedTooLarge,

    /// <summary>Skipped: not text (NUL bytes or invalid UTF-8/UTF-16).</summary>
    SkippedBinary,

    /// <summary>Skipped: empty or only whitespace.</summary>
    SkippedEmpty,

    /// <summary>Skipped: could not be read (permissions, deleted meanwhile).</summary>
    SkippedUnreadable,
}

/// <summary>Progress of a folder ingest, reported after each file.</summary>
public sealed class IngestProgress
{
    /// <summary>How many files matched the patterns.</summary>
    public required int FilesMatched { get; init; }

    /// <summary>How many files have been handled so far (stored, unchanged or skipped).</summary>
    public required int FilesProcessed { get; init; }

    /// <summary>How many chunks have been written so far.</summary>
    public required int ChunksWritten { get; init; }

    /// <summary>The file just handled, relative to the folder, with <c>/</c> separators.</summary>
    public required string CurrentFile { get; init; }

    /// <summary>What happened to <see cref="CurrentFile"/>.</summary>
    public required IngestFileStatus CurrentStatus { get; init; }
}

/// <summary>A file a folder ingest did not store, and why.</summary>
public sealed class SkippedFile
{
    /// <summary>The file, relative to the folder, with <c>/</c> separators.</summary>
    public required string Path { get; init; }

    /// <summary>Why it was skipped.</summary>
    public required IngestFileStatus Status { get; init; }

    /// <summary>A human-readable reason.</summary>
    public required string Reason { get; init; }
}

/// <summary>The outcome of <see cref="IKnowledgeBase.IngestDirectoryAsync"/>.</summary>
public sealed class DirectoryIngestResult
{
    /// <summary>How many files matched the patterns.</summary>
    public required int FilesMatched { get; init; }

    /// <summary>How many documents were added.</summary>
    public required int Added { get; init; }

    /// <summary>How many documents were replaced.</summary>
    public required int Updated { get; init; }

    /// <summary>How many documents were already stored as is.</summary>
    public required int Unchanged { get; init; }

    /// <summary>How many chunks were written.</summary>
    public required int ChunksWritten { get; init; }

    /// <summary>The files that were not stored, with the reason.</summary>
    public required IReadOnlyList<SkippedFile> Skipped { get; init; }
}
