using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ClaudeOrchestration.Rag.Connectors;

/// <summary>
/// The retry-with-backoff and per-attempt timeout pipeline every connector wraps its server calls in: transient failures
/// (as the connector defines them, plus attempt timeouts) are retried with exponential backoff and jitter; the caller's
/// cancellation is never retried.
/// </summary>
internal static partial class ConnectorResilience
{
    public static ResiliencePipeline Create(
        string system, int maxRetryAttempts, TimeSpan retryDelay, TimeSpan attemptTimeout, Func<Exception, bool> isTransient, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder();
        if (maxRetryAttempts > 0)
        {
            _ = builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxRetryAttempts,
                Delay = retryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && (ex is TimeoutRejectedException || isTransient(ex))),
                OnRetry = args =>
                {
                    LogRetry(logger, system, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.GetType().Name ?? "none", args.Outcome.Exception?.Message ?? string.Empty);
                    return ValueTask.CompletedTask;
                },
            });
        }

        if (attemptTimeout > TimeSpan.Zero && attemptTimeout != Timeout.InfiniteTimeSpan)
        {
            _ = builder.AddTimeout(attemptTimeout);
        }

        return builder.Build();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{System} call failed on attempt {Attempt}; retrying in {DelayMs} ms ({ErrorType}: {Error})")]
    private static partial void LogRetry(ILogger logger, string system, int attempt, double delayMs, string errorType, string error);
}
