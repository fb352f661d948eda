namespace ClaudeOrchestration.Messages;

/// <summary><c>system/api_retry</c>: an API call failed and the CLI will retry after a delay.</summary>
public sealed class ApiRetryMessage : SystemMessage
{
    /// <summary>The retry number, from 1.</summary>
    public int Attempt { get; init; }

    /// <summary>The retry limit (<c>CLAUDE_CODE_MAX_RETRIES</c>).</summary>
    public int MaxRetries { get; init; }

    /// <summary>The delay before this retry, in milliseconds.</summary>
    public double RetryDelayMs { get; init; }

    /// <summary>The HTTP status of the failure; <see langword="null"/> for connection failures.</summary>
    public int? ErrorStatus { get; init; }

    /// <summary>The error category: <c>overloaded</c>, <c>authentication_failed</c>, <c>rate_limit</c>, <c>unknown</c>, …</summary>
    public string? Error { get; init; }
}
