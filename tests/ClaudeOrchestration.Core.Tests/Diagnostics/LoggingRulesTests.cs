using ClaudeOrchestration.Client;
using ClaudeOrchestration.Core.Tests.Client;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Core.Tests.Diagnostics;

/// <summary>
/// The rule in docs/cli-client.md: stderr is logged only at Trace and redacted, exception messages never quote it (the
/// redacted tail is in <see cref="ClaudeProcessException.StderrTail"/>), and secrets reach no log at any level.
/// </summary>
public sealed class LoggingRulesTests
{
    private const string Secret = "s3cr3t-value-0123456789";
    private const string StderrText = "echoing the private prompt of the user";

    [Fact]
    public async Task RunAsync_FailureWithStderr_StderrOnlyAtTraceRedactedAndNotInExceptionMessage()
    {
        using var cli = FakeCli.Create($"echo '{StderrText}' >&2\necho \"token is $MY_SERVICE_TOKEN\" >&2\nexit 3");
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var options = new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory };
        options.EnvironmentVariables["MY_SERVICE_TOKEN"] = Secret;
        var client = ClaudeClient.Create(options, factory);

        var ex = await Assert.ThrowsAsync<ClaudeProcessException>(() => client.RunAsync(
            "hi",
            new ClaudeRunOptions { ExtraArgs = new Dictionary<string, string?> { ["x-debug-header"] = "Bearer sk-ant-api03-abcdefghijklmnop" } },
            TestContext.Current.CancellationToken));

        Assert.DoesNotContain(StderrText, ex.Message);
        Assert.Equal([StderrText, "token is [REDACTED]"], ex.StderrTail);

        var entries = logs.Entries.ToArray();
        Assert.Contains(entries, e => e.Level == LogLevel.Trace && e.Message.Contains(StderrText, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Level == LogLevel.Warning && e.Exception is ClaudeProcessException);
        Assert.DoesNotContain(entries, e => e.Level > LogLevel.Trace && e.Everything.Contains(StderrText, StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Everything.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Everything.Contains("sk-ant-api03", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Level == LogLevel.Trace && e.Message.Contains("--x-debug-header=Bearer [REDACTED]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ExitZeroWithoutResult_ThrowsProcessExceptionWithExitCodeZero()
    {
        using var cli = FakeCli.Create("read line\necho '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}'\nexit 0");
        var client = ClaudeClient.Create(new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory });

        var ex = await Assert.ThrowsAsync<ClaudeProcessException>(() => client.RunAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(0, ex.ExitCode);
        Assert.Contains("without a result", ex.Message);
    }
}
