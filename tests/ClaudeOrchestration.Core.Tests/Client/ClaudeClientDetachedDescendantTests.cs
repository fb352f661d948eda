using System.Diagnostics;
using System.Globalization;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Core.Tests.Client;

/// <summary>
/// A descendant that left the CLI's process group (<c>setsid</c>) keeps the CLI's stdout and stderr open after the CLI
/// exited. The group sweep cannot reach it, so the task must end on the CLI's own exit, not on pipe EOF.
/// Every test kills its sleeper by pid, whatever happens.
/// </summary>
public sealed class ClaudeClientDetachedDescendantTests
{
    // The sleeper inherits stdout and stderr; `$!` is its pid (setsid in a non-leader child execs in place). The fake CLI
    // goes on only once the sleeper leads its own session: exiting earlier would let the group sweep kill it first.
    private const string StartDetachedSleeper =
        "setsid sleep 300 &\norphan=$!\necho $orphan >> \"$(dirname \"$0\")/orphans.pid\"\n" +
        "until [ \"$(cut -d' ' -f6 /proc/$orphan/stat)\" = \"$orphan\" ]; do sleep 0.01; done\n";

    [Fact]
    public async Task RunAsync_CliExitsAfterResultWhileDetachedDescendantHoldsPipes_ReturnsAndFreesTheSlot()
    {
        using var cli = FakeCli.Create($"read line\n{StartDetachedSleeper}echo '{FakeCli.ResultLine}'\nexit 0");
        try
        {
            var client = Client(cli, o => o.MaxConcurrentProcesses = 1);

            var first = await client.RunAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("fake ok", first.Text);
            Assert.True(AnyOrphanAlive(cli), "the test needs the descendant to still hold the pipes");
            Assert.Empty(client.Tasks.Active);

            // One slot only: the next task starts, so the first one gave its slot back.
            var second = await client.RunAsync("again", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("fake ok", second.Text);
        }
        finally
        {
            KillOrphans(cli);
        }
    }

    [Fact]
    public async Task RunAsync_CliExitsWithoutResultWhileDetachedDescendantHoldsPipes_ThrowsProcessException()
    {
        using var cli = FakeCli.Create($"read line\n{StartDetachedSleeper}echo 'no result for you' >&2\nexit 0");
        try
        {
            var client = Client(cli);

            var ex = await Assert.ThrowsAsync<ClaudeProcessException>(() => client.RunAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

            Assert.Equal(0, ex.ExitCode);
            Assert.Equal(["no result for you"], ex.StderrTail);
            Assert.True(AnyOrphanAlive(cli));
            Assert.Empty(client.Tasks.Active);
        }
        finally
        {
            KillOrphans(cli);
        }
    }

    [Fact]
    public async Task StreamAsync_CancelledWhileDetachedDescendantHoldsPipes_ReturnsWithTheProcessGone()
    {
        using var cli = FakeCli.Create(
            $"{StartDetachedSleeper}echo $$ > \"$(dirname \"$0\")/cli.pid\"\necho '{{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}}'\nsleep 300");
        try
        {
            var client = Client(cli);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var _ in client.StreamAsync("hi", cancellationToken: cts.Token))
                {
                    await cts.CancelAsync();
                }
            });

            Assert.False(ClaudeClientTransportTests.IsAlive(ReadPids(cli, "cli.pid").Single()));
            Assert.True(AnyOrphanAlive(cli), "the call must return while the descendant still holds the pipes");
            Assert.Empty(client.Tasks.Active);
        }
        finally
        {
            KillOrphans(cli);
        }
    }

    [Fact]
    public async Task RunAsync_TimeoutWhileDetachedDescendantHoldsPipes_ThrowsTimeout()
    {
        using var cli = FakeCli.Create($"{StartDetachedSleeper}echo ready > \"$(dirname \"$0\")/ready\"\nsleep 300");
        try
        {
            // The timeout runs on a clock the test moves only once the descendant holds the pipes: on a busy machine a real
            // 200 ms could pass before the fake CLI had even started it.
            var clock = new FakeTimeProvider();
            var client = new ClaudeClient(
                new FixedOptionsMonitor<ClaudeOrchestrationOptions>(new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory }),
                timeProvider: clock);

            var run = client.RunAsync("hi", new ClaudeRunOptions { Timeout = TimeSpan.FromMilliseconds(200) }, TestContext.Current.CancellationToken);
            while (!File.Exists(cli.PathOf("ready")))
            {
                Assert.False(run.IsCompleted, "the run ended before the descendant was started");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAsync<TimeoutException>(() => run);

            Assert.True(AnyOrphanAlive(cli));
            Assert.Empty(client.Tasks.Active);
        }
        finally
        {
            KillOrphans(cli);
        }
    }

    [Fact]
    public async Task ClaudeProcess_ExitedWhileDetachedDescendantHoldsPipes_OutputEndsAndDisposeLeavesNoReaderBehind()
    {
        using var cli = FakeCli.Create($"{StartDetachedSleeper}echo 'last words'\necho 'on stderr' >&2\nexit 7");
        try
        {
            var process = ClaudeProcess.Start(
                new ClaudeProcessStartInfo
                {
                    CliPath = cli.Path,
                    Arguments = [],
                    WorkingDirectory = cli.Directory,
                    Environment = new Dictionary<string, string?>(),
                    MaxLineBytes = 1024,
                    StderrTailLines = 10,
                    GracePeriod = TimeSpan.FromSeconds(2),
                },
                NullLogger.Instance);

            Assert.Equal(7, await process.Exited);
            var line = await process.Output.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.Equal("last words", System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(line!.Value)));
            Assert.Null(await process.Output.ReadLineAsync(TestContext.Current.CancellationToken));
            await process.DisposeAsync();

            Assert.True(process.StderrDrained.IsCompleted, "the stderr reader is still waiting on a pipe the descendant holds");
            Assert.Equal(["on stderr"], process.StderrTail());
            Assert.True(AnyOrphanAlive(cli));
        }
        finally
        {
            KillOrphans(cli);
        }
    }

    private static ClaudeClient Client(FakeCli cli, Action<ClaudeOrchestrationOptions>? configure = null)
    {
        var options = new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory };
        configure?.Invoke(options);
        return ClaudeClient.Create(options);
    }

    private static int[] ReadPids(FakeCli cli, string file) =>
        File.Exists(cli.PathOf(file))
            ? [.. File.ReadAllLines(cli.PathOf(file)).Where(l => l.Length > 0).Select(l => int.Parse(l.Trim(), CultureInfo.InvariantCulture))]
            : [];

    private static bool AnyOrphanAlive(FakeCli cli) => ReadPids(cli, "orphans.pid").Any(ClaudeClientTransportTests.IsAlive);

    private static void KillOrphans(FakeCli cli)
    {
        foreach (var pid in ReadPids(cli, "orphans.pid"))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                if (process.ProcessName == "sleep")
                {
                    process.Kill();
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (InvalidOperationException)
            {
                // Exited in between.
            }
        }
    }
}
