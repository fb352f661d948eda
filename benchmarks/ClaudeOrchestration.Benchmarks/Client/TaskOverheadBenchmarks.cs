using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ClaudeOrchestration.Client;

namespace ClaudeOrchestration.Benchmarks.Client;

/// <summary>
/// Per-task overhead of <see cref="ClaudeClient.RunAsync"/> next to a bare <see cref="Process"/> start of the same fake
/// executable doing the same I/O: write one user message to stdin, close it, read the result line, wait for exit.
/// The difference between the two is what the client costs per task (argv, process group, registry, parsing, telemetry).
/// </summary>
[MemoryDiagnoser]
public class TaskOverheadBenchmarks
{
    private const string ResultLine =
        """{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"ok","session_id":"s","total_cost_usd":0.001,"duration_ms":1,"duration_api_ms":1,"usage":{"input_tokens":1,"output_tokens":1}}""";

    private string _directory = null!;
    private string _fake = null!;
    private ClaudeClient _client = null!;
    private ClaudeClient _clientWithoutGroups = null!;
    private byte[] _userLine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("claude-bench-").FullName;
        _fake = Path.Combine(_directory, "claude");
        // A POSIX sh fake: answers --version, otherwise reads the one stdin line and prints a result.
        File.WriteAllText(_fake, $"#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo '2.1.330 (Claude Code)'; exit 0; fi\nread line\necho '{ResultLine}'\n");
        File.SetUnixFileMode(_fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _client = ClaudeClient.Create(new ClaudeOrchestrationOptions { CliPath = _fake, DefaultWorkingDirectory = _directory });
        _userLine = [.. ClaudeClient.SerializeUserMessage("hello"), (byte)'\n'];
        _clientWithoutGroups = ClaudeClient.Create(new ClaudeOrchestrationOptions { CliPath = _fake, DefaultWorkingDirectory = _directory, UseProcessGroups = false });
        _client.RunAsync("warm up").GetAwaiter().GetResult();
        _clientWithoutGroups.RunAsync("warm up").GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true, Description = "bare Process.Start")]
    public async Task<int> BareProcess()
    {
        var psi = new ProcessStartInfo(_fake)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[] { "--print", "--output-format=stream-json", "--input-format=stream-json", "--verbose", "--permission-mode=default" })
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi)!;
        await process.StandardInput.BaseStream.WriteAsync(_userLine);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        await stderr;
        return output.Length;
    }

    [Benchmark(Description = "ClaudeClient.RunAsync")]
    public async Task<int> Client()
    {
        var result = await _client.RunAsync("hello");
        return result.NumTurns;
    }

    [Benchmark(Description = "ClaudeClient.RunAsync, no process group")]
    public async Task<int> ClientWithoutProcessGroup()
    {
        var result = await _clientWithoutGroups.RunAsync("hello");
        return result.NumTurns;
    }
}
