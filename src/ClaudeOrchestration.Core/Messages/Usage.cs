using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>Token counts as the Messages API reports them (<c>usage</c> on assistant and result frames).</summary>
/// <remarks>
/// On <see cref="AssistantMessage"/> the counts are partial (the CLI emits one frame per block before the response
/// ends); the totals for a turn are on <see cref="ResultMessage.Usage"/>.
/// </remarks>
public sealed class Usage
{
    /// <summary>Uncached input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache (a JSON <c>null</c> reads as 0).</summary>
    [JsonConverter(typeof(NullAsZeroInt64Converter))]
    public long CacheCreationInputTokens { get; init; }

    /// <summary>Input tokens read from the prompt cache (a JSON <c>null</c> reads as 0).</summary>
    [JsonConverter(typeof(NullAsZeroInt64Converter))]
    public long CacheReadInputTokens { get; init; }

    /// <summary>The service tier that served the request (<c>standard</c>, <c>priority</c>, …), when reported.</summary>
    public string? ServiceTier { get; init; }
}
