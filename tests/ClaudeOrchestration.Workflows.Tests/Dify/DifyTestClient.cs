using ClaudeOrchestration.Workflows.Dify;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Workflows.Tests.Dify;

internal static class DifyTestClient
{
    public static DifyClient Create(
        FakeDifyServer server, CapturingLoggerProvider? logs = null, Action<DifyClientOptions>? configure = null, TimeProvider? timeProvider = null) =>
        Create(server.BaseUrl, logs, configure, timeProvider);

    public static DifyClient Create(
        Uri baseUrl, CapturingLoggerProvider? logs = null, Action<DifyClientOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new DifyClientOptions { BaseUrl = baseUrl, ApiKey = DifySamples.ApiKey, RetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        var loggerFactory = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        return new DifyClient(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, loggerFactory.CreateLogger<DifyClient>(), timeProvider);
    }

    public static DifyWorkflowRunRequest Request() => new()
    {
        Inputs = new() { ["city"] = "France", ["n"] = 2 },
        User = DifySamples.User,
    };
}
