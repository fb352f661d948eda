using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.Transport;

namespace ClaudeOrchestration.Benchmarks.Sessions;

/// <summary>
/// Latency of one turn against the real claude CLI and the <see cref="ScriptedMessagesServer"/> (answers at once):
/// <list type="bullet">
/// <item>a raw driver: a bare <see cref="Process"/> with the same argv and environment, writing the same user-message bytes
/// to stdin and reading lines until the one holding <c>"type":"result"</c> (no parsing, no library);</item>
/// <item>a warm <see cref="ClaudeSession"/> turn (<see cref="ClaudeSession.SendAsync(string, CancellationToken)"/>, every line
/// parsed into typed messages);</item>
/// <item>a one-shot <see cref="ClaudeClient.RunAsync"/>, which starts a CLI per prompt.</item>
/// </list>
/// Each benchmark runs in its own process with its own server and CLI; every invocation is one turn (tens of ms), so the
/// conversation grows by one turn per invocation in both warm cases alike.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 50, invocationCount: 1)]
[MinColumn]
[MaxColumn]
[MedianColumn]
public class SessionTurnBenchmarks
{
    private const string Prompt = "benchmark turn";
    private static readonly byte[] InitializeLine = """{"type":"control_request","request_id":"init","request":{"subtype":"initialize"}}"""u8.ToArray();

    private ScriptedMessagesServer _server = null!;
    private string _directory = null!;
    private ClaudeOrchestrationOptions _options = null!;
    private ClaudeSession _session = null!;
    private ClaudeClient _client = null!;
    private Process _raw = null!;
    private Task _rawStderr = null!;

    [GlobalSetup(Target = nameof(WarmSession))]
    public void SetupSession()
    {
        SetupServer();
        _session = ClaudeSessionFactory.Create(_options).StartAsync().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(RawDriver))]
    public void SetupRaw()
    {
        SetupServer();
        using var arguments = ClaudeArguments.Build(new ClaudeRunOptions { SessionId = Guid.NewGuid().ToString() }, _options, interactive: true);
        var psi = new ProcessStartInfo(_options.CliPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _options.DefaultWorkingDirectory,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments.Arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        psi.Environment.Remove("CLAUDECODE");
        psi.Environment["CLAUDE_CODE_ENTRYPOINT"] = "sdk-csharp";
        foreach (var (name, value) in _options.EnvironmentVariables)
        {
            psi.Environment[name] = value;
        }

        _raw = Process.Start(psi)!;
        _rawStderr = _raw.StandardError.ReadToEndAsync();
        var stdin = _raw.StandardInput.BaseStream;
        stdin.Write(InitializeLine);
        stdin.WriteByte((byte)'\n');
        stdin.Flush();
        while (_raw.StandardOutput.ReadLine() is { } line && !line.Contains("\"request_id\":\"init\"", StringComparison.Ordinal))
        {
        }
    }

    [GlobalSetup(Target = nameof(OneShotClient))]
    public void SetupClient()
    {
        SetupServer();
        _client = ClaudeClient.Create(_options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_raw is not null)
        {
            _raw.StandardInput.Close();
            _raw.WaitForExit(5000);
            _raw.Kill(entireProcessTree: true);
            _rawStderr.GetAwaiter().GetResult();
            _raw.Dispose();
        }

        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The floor: the same bytes to the same CLI, no library.</summary>
    [Benchmark(Baseline = true, Description = "raw driver (bare Process, same bytes)")]
    public async Task<int> RawDriver()
    {
        var line = ClaudeSession.SerializeUserMessage(System.Text.Json.Nodes.JsonValue.Create(Prompt), Guid.NewGuid().ToString());
        var stdin = _raw.StandardInput.BaseStream;
        await stdin.WriteAsync(line);
        stdin.WriteByte((byte)'\n');
        await stdin.FlushAsync();
        var lines = 0;
        while (await _raw.StandardOutput.ReadLineAsync() is { } output)
        {
            lines++;
            if (output.Contains("\"type\":\"result\"", StringComparison.Ordinal))
            {
                return lines;
            }
        }

        throw new InvalidOperationException("The CLI exited during the turn.");
    }

    /// <summary>A turn on a warm session: write, read, parse every line, route, end at the result.</summary>
    [Benchmark(Description = "ClaudeSession turn (warm)")]
    public async Task<int> WarmSession()
    {
        var messages = 0;
        await foreach (var _ in _session.SendAsync(Prompt))
        {
            messages++;
        }

        return messages;
    }

    /// <summary>A one-shot run: start a CLI, one turn, exit.</summary>
    [Benchmark(Description = "ClaudeClient.RunAsync (one-shot)")]
    public async Task<int> OneShotClient()
    {
        var result = await _client.RunAsync(Prompt);
        return result.NumTurns;
    }

    private void SetupServer()
    {
        _server = ScriptedMessagesServer.StartAsync().GetAwaiter().GetResult();
        _directory = Directory.CreateTempSubdirectory("claude-session-bench-").FullName;
        var config = Directory.CreateDirectory(Path.Combine(_directory, "config")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(_directory, "work")).FullName;
        _options = new ClaudeOrchestrationOptions { CliPath = LocateCli(), DefaultWorkingDirectory = work };
        foreach (var (name, value) in _server.CreateCliEnvironment(config))
        {
            _options.EnvironmentVariables[name] = value;
        }
    }

    /// <summary>The pinned CLI: <c>CLAUDE_ORCHESTRATION_TEST_CLI</c>, else <c>tests/node/…</c> under the repository this file is in.</summary>
    private static string LocateCli([CallerFilePath] string sourceFile = "")
    {
        if (Environment.GetEnvironmentVariable("CLAUDE_ORCHESTRATION_TEST_CLI") is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var start in new[] { Path.GetDirectoryName(sourceFile), Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = start is null ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "tests/node/node_modules/@anthropic-ai/claude-code/bin/claude.exe");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("The claude CLI for the benchmark was not found: set CLAUDE_ORCHESTRATION_TEST_CLI or run scripts/test.sh.");
    }
}
