using System.Runtime.CompilerServices;

namespace ClaudeOrchestration.Benchmarks.Parsing;

/// <summary>
/// An in-memory stream-json transcript made of the real CLI 2.1.330 output lines in the test fixtures
/// (tests/ClaudeOrchestration.Core.Tests/Fixtures), replicated to about 12 MiB.
/// </summary>
internal static class StreamJsonTranscript
{
    private const int TargetBytes = 12 * 1024 * 1024;

    // Raw CLI stdout, byte for byte: system/init, status, session_state_changed, stream_event, assistant (text, tool_use,
    // synthetic errors), user (string and array tool results, replays), api_retry, permission_denied, hook events,
    // command_lifecycle and result frames.
    private static readonly string[] Files =
    [
        "01-minimal-env.stream.jsonl",
        "05-partial.stream.jsonl",
        "07-bash-default-perms.stream.jsonl",
        "08-bash-allowed.stream.jsonl",
        "09-read.stream.jsonl",
        "10-max-turns-1.stream.jsonl",
        "12-resume.stream.jsonl",
        "21-json-schema.stream.jsonl",
        "34-fail-529.stream.jsonl",
        "41-ts-sdk-wire.stdout.jsonl",
        "42-mcp-config-stdio.stream.jsonl",
        "43-replay-hooks.stream.jsonl",
        "44-permission-prompt-tool-deny0.stream.jsonl",
        "46-no-server.stream.jsonl",
    ];

    private static readonly Lazy<byte[]> Buffer = new(Build);

    /// <summary>The transcript: '\n'-terminated lines.</summary>
    public static byte[] Bytes => Buffer.Value;

    private static byte[] Build()
    {
        var fixtures = FixturesDirectory();
        using var one = new MemoryStream();
        foreach (var file in Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(fixtures, file));
            one.Write(bytes);
            if (bytes.Length > 0 && bytes[^1] != (byte)'\n')
            {
                one.WriteByte((byte)'\n');
            }
        }

        var unit = one.ToArray();
        var copies = (TargetBytes + unit.Length - 1) / unit.Length;
        var all = new byte[unit.Length * copies];
        for (var i = 0; i < copies; i++)
        {
            unit.CopyTo(all, i * unit.Length);
        }

        return all;
    }

    // The benchmark runs from a generated project far from the sources (and CO_ARTIFACTS may move the output out of
    // the tree), so the fixtures are found from this file's compile-time path.
    private static string FixturesDirectory([CallerFilePath] string sourceFile = "")
    {
        var repo = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
        var fixtures = Path.Combine(repo, "tests", "ClaudeOrchestration.Core.Tests", "Fixtures");
        return Directory.Exists(fixtures)
            ? fixtures
            : throw new DirectoryNotFoundException($"The stream-json fixtures were not found at {fixtures}; run the benchmark from a checkout of the repository.");
    }
}
