using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>Usage and cost of one model within a run (a value of <see cref="ResultMessage.ModelUsage"/>; camelCase on the wire).</summary>
public sealed class ModelUsage
{
    /// <summary>Uncached input tokens.</summary>
    [JsonPropertyName("inputTokens")]
    public long InputTokens { get; init; }

    /// <summary>Output tokens.</summary>
    [JsonPropertyName("outputTokens")]
    public long OutputTokens { get; init; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    [JsonPropertyName("cacheReadInputTokens")]
    public long CacheReadInputTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    [JsonPropertyName("cacheCreationInputTokens")]
    public long CacheCreationInputTokens { get; init; }

    /// <summary>Web searches the model ran.</summary>
    [JsonPropertyName("webSearchRequests")]
    public long WebSearchRequests { get; init; }

    /// <summary>Cost in US dollars as the CLI computed it, parsed from the JSON number without going through <see cref="double"/>.</summary>
    [JsonPropertyName("costUSD")]
    public decimal CostUsd { get; init; }

    /// <summary>The model's context window in tokens.</summary>
    [JsonPropertyName("contextWindow")]
    public long ContextWindow { get; init; }

    /// <summary>The model's output token limit.</summary>
    [JsonPropertyName("maxOutputTokens")]
    public long MaxOutputTokens { get; init; }
}
