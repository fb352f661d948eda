using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary><c>system/status</c>: what the session is doing (<c>requesting</c>, <c>compacting</c>) or a permission-mode change.</summary>
public sealed class StatusMessage : SystemMessage
{
    /// <summary><c>requesting</c>, <c>compacting</c>, or <see langword="null"/> when nothing is in progress.</summary>
    public string? Status { get; init; }

    /// <summary>The permission mode now in force (wire <c>permissionMode</c>), when it changed.</summary>
    [JsonPropertyName("permissionMode")]
    public string? PermissionMode { get; init; }
}
