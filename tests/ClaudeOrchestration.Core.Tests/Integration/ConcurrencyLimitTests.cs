using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Core.Tests.Integration;

[CollectionDefinition(nameof(ProcessCountingCollection), DisableParallelization = true)]
public sealed class ProcessCountingCollection;

/// <summary>Runs alone in its assembly so that the client-side peak is not disturbed by other tests.</summary>
[Collection(nameof(ProcessCountingCollection))]
public sealed class ConcurrencyLimitTests
{
    [Fact]
    public async Task RunAsync_TwentyTasksWithLimitFour_NeverMoreThanFourLiveProcesses()
    {
        // Other test projects may run claude at the same time: count only processes carrying this test's marker.
        var marker = Guid.NewGuid().ToString("n");
        await using var claude = await OfflineClaude.StartAsync(o =>
        {
            o.MaxConcurrentProcesses = 4;
            o.EnvironmentVariables["CLAUDE_ORCHESTRATION_TEST_MARKER"] = marker;
        });
        // The CLI runs short-lived helper processes of its own binary (e.g. its bundled ripgrep), so count only the
        // CLI processes this test process started directly.
        int CountOurs() => ProcessProbe.FindLiveProcesses(TestCli.Path)
            .Intersect(ProcessProbe.FindLiveProcessesWithEnvironment("CLAUDE_ORCHESTRATION_TEST_MARKER", marker))
            .Count(pid => ParentOf(pid) == Environment.ProcessId);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var maxSeen = 0;
        var sampler = Task.Run(async () =>
        {
            // Independent check from the OS: count live processes running the pinned CLI binary.
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
            {
                maxSeen = Math.Max(maxSeen, CountOurs());
            }
        }, TestContext.Current.CancellationToken);

        var tasks = Enumerable.Range(0, 20)
            .Select(i => claude.Client.RunAsync($"task number {i}", cancellationToken: TestContext.Current.CancellationToken))
            .ToArray();
        var results = await Task.WhenAll(tasks);
        await sampling.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sampler);

        Assert.All(results, r => Assert.False(r.IsError));
        for (var i = 0; i < 20; i++)
        {
            Assert.Contains($"task number {i}", results[i].Text, StringComparison.Ordinal);
        }

        Assert.Equal(4, claude.Client.PeakConcurrentProcesses);
        Assert.InRange(maxSeen, 1, 4);
        Assert.Equal(0, CountOurs());
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
