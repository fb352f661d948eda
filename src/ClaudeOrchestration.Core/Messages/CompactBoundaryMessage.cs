namespace ClaudeOrchestration.Messages;

/// <summary><c>system/compact_boundary</c>: the conversation was compacted; earlier turns are now a summary.</summary>
public sealed class CompactBoundaryMessage : SystemMessage
{
    /// <summary>What triggered the compaction and how much it saved.</summary>
    public CompactMetadata? CompactMetadata { get; init; }
}
