using System.Text;
using System.Text.Json;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Core.Tests.Messages;

/// <summary>Reads the real CLI transcripts copied into Fixtures/ (from shared/reference/claude-cli/samples).</summary>
internal static class SampleTranscripts
{
    /// <summary>Every fixture that holds stream-json frames, one per line.</summary>
    public static readonly string[] All =
    [
        "01-minimal-env.stream.jsonl",
        "05-partial.stream.jsonl",
        "07-bash-default-perms.stream.jsonl",
        "08-bash-allowed.stream.jsonl",
        "09-read.stream.jsonl",
        "10-max-turns-1.stream.jsonl",
        "12-resume.stream.jsonl",
        "16-resume-missing.stream.jsonl",
        "18-stdin-user-noinit.stream.jsonl",
        "18b-stdin-no-p.stream.jsonl",
        "20-control-protocol.transcript.jsonl",
        "21-json-schema.stream.jsonl",
        "34-fail-400.stream.jsonl",
        "34-fail-401.stream.jsonl",
        "34-fail-529.stream.jsonl",
        "35-interrupt.transcript.jsonl",
        "41-ts-sdk-wire.stdin.jsonl",
        "41-ts-sdk-wire.stdout.jsonl",
        "42-mcp-config-stdio.stream.jsonl",
        "42b-ts-sdk-default-sysprompt-wire.stdin.jsonl",
        "42b-ts-sdk-default-sysprompt-wire.stdout.jsonl",
        "43-replay-hooks.stream.jsonl",
        "44-permission-prompt-tool-deny0.stream.jsonl",
        "44-permission-prompt-tool-deny1.stream.jsonl",
        "45-can-use-tool-deny.transcript.jsonl",
        "46-no-server.stream.jsonl",
        "49-control-misc.transcript.jsonl",
    ];

    /// <summary>
    /// The frames of a fixture as UTF-8 lines. Plain <c>.jsonl</c> files are the CLI's bytes as written; the
    /// <c>.transcript.jsonl</c> files wrap each frame as <c>{"dir","ms","frame"}</c> in both directions, and the frame's
    /// original text (with the recorder's spacing) is handed out.
    /// </summary>
    public static IReadOnlyList<Frame> Read(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        var bytes = File.ReadAllBytes(path);
        var frames = new List<Frame>();
        foreach (var range in SplitLines(bytes))
        {
            var line = bytes.AsSpan(range);
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            if (name.EndsWith(".transcript.jsonl", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(line.ToArray());
                var frame = doc.RootElement.GetProperty("frame").GetRawText();
                frames.Add(new Frame(Encoding.UTF8.GetBytes(frame), doc.RootElement.GetProperty("dir").GetString() == "<-cli"));
            }
            else
            {
                frames.Add(new Frame(line.ToArray(), !name.Contains(".stdin.", StringComparison.Ordinal)));
            }
        }

        return frames;
    }

    /// <summary>The typed messages of the frames the CLI wrote in a fixture, in order.</summary>
    public static IReadOnlyList<ClaudeMessage> ParseFromCli(string name) =>
        [.. Read(name).Where(f => f.FromCli).Select(f => ClaudeMessageParser.Parse(f.Utf8) ?? throw new InvalidOperationException($"{name}: a frame did not parse: {f}"))];

    private static IEnumerable<Range> SplitLines(byte[] bytes)
    {
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                yield return start..i;
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            yield return start..bytes.Length;
        }
    }

    /// <summary>One frame and whether the CLI wrote it (rather than the host).</summary>
    public sealed record Frame(byte[] Utf8, bool FromCli)
    {
        public string Text => Encoding.UTF8.GetString(Utf8);

        public override string ToString() => Text.Length <= 200 ? Text : Text[..200] + "…";
    }
}
