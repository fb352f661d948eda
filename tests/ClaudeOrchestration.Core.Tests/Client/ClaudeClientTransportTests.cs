using System.Text.Json;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Messages;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Core.Tests.Client;

/// <summary>Transport hygiene against a fake executable: line cap, stdin, exit without result, cancellation of the process group.</summary>
public sealed class ClaudeClientTransportTests
{
    private static ClaudeClient Client(FakeCli cli, Action<ClaudeOrchestrationOptions>? configure = null)
    {
        var options = new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory };
        configure?.Invoke(options);
        return ClaudeClient.Create(options);
    }

    [Fact]
    public async Task RunAsync_PromptWithDashesAndShellCharacters_ReachesStdinLiterallyAndStdinIsClosed()
    {
        using var cli = FakeCli.Create($"cat > \"$(dirname \"$0\")/stdin.txt\"\necho '{FakeCli.ResultLine}'");
        var client = Client(cli);
        const string prompt = "--help -p; rm -rf / $(whoami) `id` | tee x > y \"quoted\" 'single' \\ back\nnew line";

        var result = await client.RunAsync(prompt, cancellationToken: TestContext.Current.CancellationToken);

        // cat only finishes when stdin reaches EOF, so a result here also proves stdin was closed.
        Assert.Equal("fake ok", result.Text);
        var written = File.ReadAllText(cli.PathOf("stdin.txt"));
        using var json = JsonDocument.Parse(written);
        Assert.Equal("user", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(prompt, json.RootElement.GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task RunAsync_NonJsonLinesAroundMessages_AreSkipped()
    {
        using var cli = FakeCli.Create($"echo 'Warning: something odd'\necho ''\necho '[1,2]'\necho '{FakeCli.ResultLine}'");
        var client = Client(cli);

        var result = await client.RunAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("fake ok", result.Text);
        Assert.Equal("fake-session", result.SessionId);
        Assert.Equal(0.0012m, result.TotalCostUsd);
        Assert.Equal(3, result.InputTokens);
        Assert.Equal(4, result.OutputTokens);
    }

    [Fact]
    public async Task RunAsync_OversizedLine_FailsThatTaskClearlyAndClientStaysUsable()
    {
        // The first prompt gets a 5 MB line; the prompt "again" gets a normal result.
        using var cli = FakeCli.Create(
            "input=$(head -n 1)\n" +
            "case \"$input\" in *again*) echo '" + FakeCli.ResultLine + "';;\n" +
            "  *) echo $$ > \"$(dirname \"$0\")/cli.pid\"; head -c 5000000 /dev/zero | tr '\\0' 'x'; echo; sleep 30;;\n" +
            "esac");
        var client = Client(cli, o => o.MaxLineBytes = 1024 * 1024);

        var ex = await Assert.ThrowsAsync<ClaudeProtocolException>(() => client.RunAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("MaxLineBytes", ex.Message);
        Assert.StartsWith("xxx", ex.OffendingLine);
        Assert.Empty(client.Tasks.Active);
        Assert.False(IsAlive(int.Parse(File.ReadAllText(cli.PathOf("cli.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture)));

        // Same client, next task: unaffected.
        var ok = await client.RunAsync("again", cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(ok.IsError);
    }

    [Fact]
    public async Task RunAsync_ExitWithoutResult_ThrowsProcessExceptionWithExitCodeAndStderrTail()
    {
        using var cli = FakeCli.Create("echo 'first problem' >&2\necho 'fatal: config is broken' >&2\nexit 3");
        var client = Client(cli);

        var ex = await Assert.ThrowsAsync<ClaudeProcessException>(() => client.RunAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(3, ex.ExitCode);
        Assert.Equal(["first problem", "fatal: config is broken"], ex.StderrTail);
        // stderr may hold prompts or secrets: it is in StderrTail, never in the message (which ends up in logs).
        Assert.DoesNotContain("fatal: config is broken", ex.Message);
    }

    [Fact]
    public async Task StderrCallback_ReceivesEachLine()
    {
        using var cli = FakeCli.Create($"echo one >&2\necho two >&2\necho '{FakeCli.ResultLine}'");
        var client = Client(cli);
        var lines = new List<string>();

        await client.RunAsync("hi", new ClaudeRunOptions { StderrCallback = l => { lock (lines) { lines.Add(l); } } }, TestContext.Current.CancellationToken);

        lock (lines)
        {
            Assert.Equal(["one", "two"], lines);
        }
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsTheCliAndTheBackgroundGrandchildItStarted()
    {
        using var cli = FakeCli.Create(
            "dir=\"$(dirname \"$0\")\"\n" +
            "sleep 300 > /dev/null 2>&1 &\n" +
            "echo $! > \"$dir/grandchild.pid\"\n" +
            "echo $$ > \"$dir/cli.pid\"\n" +
            "echo '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}'\n" +
            "sleep 300");
        var client = Client(cli);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var seen = new List<ClaudeMessage>();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var message in client.StreamAsync("hi", cancellationToken: cts.Token))
            {
                seen.Add(message);
                await cts.CancelAsync();
            }
        });

        Assert.Single(seen);
        Assert.Contains("process tree was stopped", ex.Message);
        var cliPid = int.Parse(File.ReadAllText(cli.PathOf("cli.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var grandchildPid = int.Parse(File.ReadAllText(cli.PathOf("grandchild.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(IsAlive(cliPid), "the CLI process outlived its cancelled task");
        Assert.False(IsAlive(grandchildPid), "a background process started by the CLI outlived its cancelled task");
        Assert.Empty(client.Tasks.Active);
    }

    [Fact]
    public async Task RunAsync_Timeout_ThrowsTimeoutExceptionAndStopsTheProcess()
    {
        using var cli = FakeCli.Create("echo $$ > \"$(dirname \"$0\")/cli.pid\"\nsleep 300");
        // The timeout runs on a clock the test moves once the fake CLI has written its pid: on a busy machine a real 300 ms
        // could pass before it did.
        var clock = new FakeTimeProvider();
        var client = new ClaudeClient(
            new FixedOptionsMonitor<ClaudeOrchestrationOptions>(new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory }),
            timeProvider: clock);

        var run = client.RunAsync("hi", new ClaudeRunOptions { Timeout = TimeSpan.FromMilliseconds(300) }, TestContext.Current.CancellationToken);
        while (!File.Exists(cli.PathOf("cli.pid")) || File.ReadAllText(cli.PathOf("cli.pid")).Trim().Length == 0)
        {
            Assert.False(run.IsCompleted, "the run ended before the fake CLI started");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => run);

        Assert.Contains("timed out", ex.Message);
        var pid = int.Parse(File.ReadAllText(cli.PathOf("cli.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(IsAlive(pid));
    }

    [Fact]
    public async Task Tasks_CancelById_StopsTheRunningTask()
    {
        using var cli = FakeCli.Create("echo '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}'\nsleep 300");
        var client = Client(cli);

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.StreamAsync("hi", new ClaudeRunOptions { TaskId = "job-7" }, TestContext.Current.CancellationToken))
            {
                var info = Assert.Single(client.Tasks.Active);
                Assert.Equal("job-7", info.Id);
                Assert.Equal(ClaudeTaskState.Running, info.State);
                Assert.NotNull(info.ProcessId);
                Assert.True(client.Tasks.Cancel("job-7"));
            }
        });

        Assert.Contains("task registry", ex.Message);
        Assert.False(client.Tasks.Cancel("job-7"));
    }

    [Fact]
    public async Task StreamAsync_ConsumerStopsAtResult_EndsTheTaskAndItsProcess()
    {
        // The fake lingers after its result, as a CLI with a slow shutdown would.
        using var cli = FakeCli.Create($"echo $$ > \"$(dirname \"$0\")/cli.pid\"\necho '{FakeCli.ResultLine}'\nsleep 300");
        var client = Client(cli);

        ResultMessage? result = null;
        await foreach (var message in client.StreamAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
        {
            if (message is ResultMessage r)
            {
                result = r;
                break;
            }
        }

        Assert.Equal("fake ok", result?.Result);
        Assert.Empty(client.Tasks.Active);
        Assert.False(IsAlive(int.Parse(File.ReadAllText(cli.PathOf("cli.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task RunAsync_MissingCli_ThrowsNotFoundNamingThePath()
    {
        var client = ClaudeClient.Create(new ClaudeOrchestrationOptions { CliPath = "/nonexistent/claude" });

        var ex = await Assert.ThrowsAsync<ClaudeCliNotFoundException>(() => client.RunAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("/nonexistent/claude", ex.Message);
        Assert.Contains("npm install", ex.Message);
    }

    [Fact]
    public async Task RunAsync_EmptyPrompt_ThrowsArgumentException()
    {
        using var cli = FakeCli.Create($"echo '{FakeCli.ResultLine}'");
        var client = Client(cli);

        await Assert.ThrowsAsync<ArgumentException>(() => client.RunAsync("  ", cancellationToken: TestContext.Current.CancellationToken));
    }

    internal static bool IsAlive(int pid) =>
        Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);
}
