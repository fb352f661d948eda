namespace ClaudeOrchestration.Messages;

/// <summary>Details of a compaction (<see cref="CompactBoundaryMessage.CompactMetadata"/>).</summary>
public sealed class CompactMetadata
{
    /// <summary><c>manual</c> or <c>auto</c>.</summary>
    public string? Trigger { get; init; }

    /// <summary>Context tokens before compaction.</summary>
    public long PreTokens { get; init; }

    /// <summary>Context tokens after compaction, when reported.</summary>
    public long? PostTokens { get; init; }

    /// <summary>How long compaction took in milliseconds, when reported.</summary>
    public long? DurationMs { get; init; }
}
