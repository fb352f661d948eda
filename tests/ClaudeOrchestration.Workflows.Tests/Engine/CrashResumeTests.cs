using System.Diagnostics;
using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Workflows.CrashHost;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Persistence;

namespace ClaudeOrchestration.Workflows.Tests.Engine;

/// <summary>
/// A host process is killed with SIGKILL mid-run; its claim on the run keeps this process from resuming it until the claim
/// lapses, then the run resumes here without re-running completed nodes.
/// </summary>
public sealed class CrashResumeTests : IDisposable
{
    private readonly TempDirectory _directory = new("workflows-crash-");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Resume_AfterKill9_WaitsForTheClaimThenDoesNotRerunCompletedSideEffects()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = Path.Combine(_directory.FullPath, "workflows.db");
        var signals = _directory.CreateSubdirectory("signals");
        var runId = "crash-" + Guid.NewGuid().ToString("N");

        using (var host = StartHost(database, runId, signals))
        {
            try
            {
            // The host prints "gate-started" when the gate node runs; a and b are checkpointed by then.
            var gateStarted = WaitForLineAsync(host.StandardOutput, "gate-started");
            var first = await Task.WhenAny(gateStarted, host.WaitForExitAsync(ct)).WaitAsync(TimeSpan.FromMinutes(2), ct);
            Assert.True(first == gateStarted && await gateStarted, $"The host exited before the gate ({(host.HasExited ? host.ExitCode : -1)}).");

            host.Kill(); // SIGKILL on Unix: no finally blocks, no dispose, no final write.
            await host.WaitForExitAsync(ct);
            Assert.NotEqual(0, host.ExitCode);
            }
            finally
            {
                if (!host.HasExited)
                {
                    host.Kill();
                }
            }
        }

        Assert.Single(Lines(signals, "a.count"));
        Assert.Single(Lines(signals, "b.count"));
        Assert.False(File.Exists(Path.Combine(signals, "c.count")));

        await using var store = new SqliteWorkflowRunStore(database);
        await using var engine = new WorkflowEngine(store, [new SideEffectHandler(signals), new GateHandler(signals, block: false)]);
        Assert.Equal(WorkflowRunStatus.Running, (await engine.GetStatusAsync(runId, ct))!.Run.Status);

        // The killed host's claim on the run outlives it (10 minutes there): another process may not take the run over yet.
        var refused = await Assert.ThrowsAsync<WorkflowException>(() => engine.ResumeAsync(runId, ct));
        Assert.Contains("another engine sharing this run store", refused.Message, StringComparison.Ordinal);

        // As if those 10 minutes had passed: the claim lapses, and the run resumes here.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync(ct);
            using var expire = connection.CreateCommand();
            expire.CommandText = "UPDATE run_claims SET expires_at = 0 WHERE run_id = $id";
            expire.Parameters.AddWithValue("$id", runId);
            Assert.Equal(1, await expire.ExecuteNonQueryAsync(ct));
        }

        var result = await (await engine.ResumeAsync(runId, ct)).Completion;

        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        Assert.Equal("ABC", result.Outputs["value"]!.GetValue<string>());
        Assert.Single(Lines(signals, "a.count"));
        Assert.Single(Lines(signals, "b.count"));
        Assert.Equal([$"{runId}/c"], Lines(signals, "c.count"));
        // The gate had no checkpoint when the host died, so it ran again: at-least-once.
        Assert.Equal(2, Lines(signals, "gate.started").Length);
    }

    private static async Task<bool> WaitForLineAsync(StreamReader reader, string expected)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == expected)
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Lines(string directory, string file) =>
        File.ReadAllLines(Path.Combine(directory, file)).Where(l => l.Length > 0).ToArray();

    private static Process StartHost(string database, string runId, string signals)
    {
        var copied = typeof(CrashWorkflow).Assembly.Location;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var own = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ClaudeOrchestration.Workflows.CrashHost", configuration, Path.GetFileName(copied)));
        var assembly = File.Exists(own) ? own : copied;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
        var startInfo = new ProcessStartInfo(dotnet)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", assembly, database, runId, signals })
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException("The crash host did not start.");
    }
}
