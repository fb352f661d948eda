using System.Runtime.CompilerServices;
using System.Text;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>One SSE frame: the optional <c>event:</c> name and the joined <c>data:</c> lines.</summary>
internal readonly record struct SseFrame(string? EventName, string Data);

/// <summary>
/// A minimal SSE reader for Dify: frames end at a blank line; <c>event:</c> names and <c>data:</c> lines are collected, comments
/// (<c>:</c>) and other fields ignored, and frames without data (Dify's <c>event: ping</c>) skipped. Each read must complete within
/// the idle timeout, so a silent connection counts as dropped.
/// </summary>
internal static class DifyServerSentEvents
{
    public static async IAsyncEnumerable<SseFrame> ReadAsync(
        Stream stream, TimeSpan idleTimeout, TimeProvider timeProvider, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        string? eventName = null;
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            using (var idle = new CancellationTokenSource(idleTimeout, timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
            {
                try
                {
                    line = await reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The stream sent nothing (not even a ping) for {idleTimeout}.");
                }
            }

            if (line is null)
            {
                if (data.Length > 0)
                {
                    yield return new SseFrame(eventName, data.ToString());
                }

                yield break;
            }

            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return new SseFrame(eventName, data.ToString());
                }

                eventName = null;
                data.Clear();
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "data")
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(value);
            }
            else if (field == "event")
            {
                eventName = value;
            }
        }
    }
}
