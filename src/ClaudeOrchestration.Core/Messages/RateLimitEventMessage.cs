using System.Text.Json;

namespace ClaudeOrchestration.Messages;

/// <summary>A <c>rate_limit_event</c> frame: the account's rate-limit state changed.</summary>
public sealed class RateLimitEventMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "rate_limit_event";

    /// <summary>The raw <c>rate_limit_info</c> object (<c>status</c>, <c>resetsAt</c>, <c>rateLimitType</c>, …).</summary>
    public JsonElement RateLimitInfo { get; init; }
}
