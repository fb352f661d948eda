using System.Text.Json;

namespace ClaudeOrchestration.TestUtilities;

/// <summary>The outcome of one CLI process run by <see cref="OfflineCliFixture.RunAsync"/>.</summary>
public sealed class CliRun
{
    private CliRun(int exitCode, IReadOnlyList<string> outputLines, string standardError, IReadOnlyList<JsonElement> frames)
    {
        ExitCode = exitCode;
        OutputLines = outputLines;
        StandardError = standardError;
        Frames = frames;
    }

    /// <summary>The process exit code (0 on success; 1 when the last result has <c>is_error:true</c>).</summary>
    public int ExitCode { get; }

    /// <summary>Every stdout line, in order.</summary>
    public IReadOnlyList<string> OutputLines { get; }

    /// <summary>Everything written to stderr.</summary>
    public string StandardError { get; }

    /// <summary>The stdout lines that are JSON objects (the stream-json frames), parsed, in order.</summary>
    public IReadOnlyList<JsonElement> Frames { get; }

    /// <summary>The last <c>result</c> frame.</summary>
    /// <exception cref="InvalidOperationException">The run printed no result frame; the message carries stdout and stderr.</exception>
    public JsonElement Result =>
        Frames.LastOrDefault(f => f.TryGetProperty("type", out var type) && type.ValueEquals("result")) is { ValueKind: JsonValueKind.Object } result
            ? result
            : throw new InvalidOperationException($"The CLI printed no result frame. {this}");

    /// <summary>The frames with this <c>type</c> (and <c>subtype</c>, when given).</summary>
    /// <param name="type">The frame type, e.g. <c>assistant</c>.</param>
    /// <param name="subtype">The subtype, or <see langword="null"/> for any.</param>
    /// <returns>The matching frames, in order.</returns>
    public IReadOnlyList<JsonElement> FramesOfType(string type, string? subtype = null) =>
        Frames.Where(f =>
                f.TryGetProperty("type", out var t) && t.ValueEquals(type)
                && (subtype is null || (f.TryGetProperty("subtype", out var s) && s.ValueEquals(subtype))))
            .ToArray();

    /// <summary>A summary for assertion messages: exit code, the stderr tail and the last stdout lines.</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var stderrTail = StandardError.Length <= 2000 ? StandardError : StandardError[^2000..];
        var lastLines = string.Join('\n', OutputLines.TakeLast(5).Select(l => l.Length <= 1000 ? l : l[..1000] + "…"));
        return $"Exit code {ExitCode}.\n--- stderr (tail)\n{stderrTail}\n--- stdout (last lines)\n{lastLines}";
    }

    internal static CliRun Create(int exitCode, IReadOnlyList<string> outputLines, string standardError)
    {
        var frames = new List<JsonElement>();
        foreach (var line in outputLines)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                frames.Add(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                // Not a frame (the SDK skips such lines too); it stays visible in OutputLines.
            }
        }

        return new CliRun(exitCode, outputLines, standardError, frames);
    }
}
