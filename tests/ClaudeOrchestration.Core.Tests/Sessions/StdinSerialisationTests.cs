using System.Text;
using System.Text.Json;
using ClaudeOrchestration.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>
/// Replies from concurrent callbacks and prompts share one stdin: each line must arrive whole. <c>/bin/cat</c> stands in for
/// the CLI and echoes what it reads, so any interleaving would show up as a broken line.
/// </summary>
public sealed class StdinSerialisationTests
{
    [Fact]
    public async Task WriteLineAsync_ManyConcurrentLargeWriters_EveryLineArrivesWhole()
    {
        const int writers = 16;
        const int linesPerWriter = 8;
        await using var process = ClaudeProcess.Start(
            new ClaudeProcessStartInfo
            {
                CliPath = "/bin/cat",
                Arguments = [],
                WorkingDirectory = Path.GetTempPath(),
                Environment = new Dictionary<string, string?>(),
                MaxLineBytes = 1024 * 1024,
                StderrTailLines = 10,
                GracePeriod = TimeSpan.FromSeconds(2),
            },
            NullLogger.Instance);

        var reading = Task.Run(async () =>
        {
            var lines = new List<string>();
            while (lines.Count < writers * linesPerWriter && await process.Output.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
            {
                lines.Add(Encoding.UTF8.GetString(line));
            }

            return lines;
        }, TestContext.Current.CancellationToken);

        // 200 KB per line: far above the pipe buffer, so unserialised writes would interleave.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < linesPerWriter; i++)
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["id"] = $"{w}-{i}", ["pad"] = new string((char)('a' + w), 200_000) });
                await process.WriteLineAsync(json, TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken)));
        var received = await reading;

        Assert.Equal(writers * linesPerWriter, received.Count);
        var ids = received.Select(l =>
        {
            using var document = JsonDocument.Parse(l);
            var id = document.RootElement.GetProperty("id").GetString()!;
            var pad = document.RootElement.GetProperty("pad").GetString()!;
            Assert.Equal(new string((char)('a' + int.Parse(id.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture)), 200_000), pad);
            return id;
        }).ToHashSet();
        Assert.Equal(writers * linesPerWriter, ids.Count);
    }

    [Fact]
    public async Task TerminateAsync_WriterBlockedOnAProcessThatNeverReads_StopsItAndFailsTheWrite()
    {
        // sleep never reads stdin: a 4 MiB line fills the pipe and the write blocks, holding the write lock.
        await using var process = ClaudeProcess.Start(
            new ClaudeProcessStartInfo
            {
                CliPath = "/bin/sleep",
                Arguments = ["600"],
                WorkingDirectory = Path.GetTempPath(),
                Environment = new Dictionary<string, string?>(),
                MaxLineBytes = 1024 * 1024,
                StderrTailLines = 10,
                GracePeriod = TimeSpan.FromSeconds(30),
            },
            NullLogger.Instance);
        var line = new byte[4 * 1024 * 1024];
        line.AsSpan().Fill((byte)'a');

        var write = process.WriteLineAsync(line, TestContext.Current.CancellationToken);
        var second = process.WriteLineAsync("{}"u8.ToArray(), TestContext.Current.CancellationToken);
        await process.TerminateAsync();

        var exitCode = await process.Exited;
        Assert.Equal(143, exitCode);
        await Assert.ThrowsAsync<ClaudeProcessException>(() => write);
        await Assert.ThrowsAsync<ClaudeProcessException>(() => second);
    }
}
