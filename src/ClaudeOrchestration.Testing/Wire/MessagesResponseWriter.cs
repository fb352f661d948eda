using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ClaudeOrchestration.Testing;

/// <summary>An assistant message ready to send: the scripted reply plus the ids the server assigned to it.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Model">The model echoed from the request.</param>
/// <param name="Reply">The scripted content and usage.</param>
/// <param name="ToolUseIds">One entry per block of <paramref name="Reply"/>: the id of a tool_use block, else <see langword="null"/>.</param>
internal sealed record OutgoingMessage(string Id, string Model, ScriptedReply Reply, IReadOnlyList<string?> ToolUseIds);

/// <summary>Writes Messages API responses: SSE streams, single JSON messages and error bodies.</summary>
/// <remarks>
/// The wire objects are written with <see cref="Utf8JsonWriter"/> straight into the response pipe: they are a fixed handful of
/// shapes, and writing them field by field keeps the exact key order of the real API with no serializer (and no reflection) involved.
/// </remarks>
internal static class MessagesResponseWriter
{
    // Relaxed escaping keeps '<', '>' and non-ASCII text readable in captured streams; the JSON is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteStreamAsync(HttpResponse response, OutgoingMessage message, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";

        var reply = message.Reply;
        using var sse = new SseWriter(response.BodyWriter);

        var json = sse.Begin("message_start");
        json.WriteStartObject();
        json.WriteString("type", "message_start");
        json.WritePropertyName("message");
        WriteMessageHeader(json, message);
        json.WriteStartArray("content");
        json.WriteEndArray();
        json.WriteNull("stop_reason");
        json.WriteNull("stop_sequence");
        WriteUsage(json, reply.InputTokens, outputTokens: 1);
        json.WriteEndObject();
        json.WriteEndObject();
        await sse.EndAsync(cancellationToken).ConfigureAwait(false);

        json = sse.Begin("ping");
        json.WriteStartObject();
        json.WriteString("type", "ping");
        json.WriteEndObject();
        await sse.EndAsync(cancellationToken).ConfigureAwait(false);

        for (var index = 0; index < reply.Blocks.Count; index++)
        {
            var block = reply.Blocks[index];

            json = sse.Begin("content_block_start");
            json.WriteStartObject();
            json.WriteString("type", "content_block_start");
            json.WriteNumber("index", index);
            json.WriteStartObject("content_block");
            switch (block)
            {
                case TextReplyBlock:
                    json.WriteString("type", "text");
                    json.WriteString("text", string.Empty);
                    break;
                case ToolUseReplyBlock toolUse:
                    json.WriteString("type", "tool_use");
                    json.WriteString("id", message.ToolUseIds[index]);
                    json.WriteString("name", toolUse.Name);
                    json.WriteStartObject("input");
                    json.WriteEndObject();
                    break;
                case ThinkingReplyBlock:
                    json.WriteString("type", "thinking");
                    json.WriteString("thinking", string.Empty);
                    json.WriteString("signature", string.Empty);
                    break;
            }

            json.WriteEndObject();
            json.WriteEndObject();
            await sse.EndAsync(cancellationToken).ConfigureAwait(false);

            // Every block is split over two deltas, so clients that assemble partial messages are exercised.
            switch (block)
            {
                case TextReplyBlock text:
                    foreach (var part in SplitInTwo(text.Text))
                    {
                        await WriteDeltaAsync(sse, index, "text_delta", "text", part, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case ToolUseReplyBlock toolUse:
                    foreach (var part in SplitInTwo(toolUse.InputJson))
                    {
                        await WriteDeltaAsync(sse, index, "input_json_delta", "partial_json", part, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case ThinkingReplyBlock thinking:
                    foreach (var part in SplitInTwo(thinking.Thinking))
                    {
                        await WriteDeltaAsync(sse, index, "thinking_delta", "thinking", part, cancellationToken).ConfigureAwait(false);
                    }

                    await WriteDeltaAsync(sse, index, "signature_delta", "signature", thinking.Signature, cancellationToken).ConfigureAwait(false);
                    break;
            }

            json = sse.Begin("content_block_stop");
            json.WriteStartObject();
            json.WriteString("type", "content_block_stop");
            json.WriteNumber("index", index);
            json.WriteEndObject();
            await sse.EndAsync(cancellationToken).ConfigureAwait(false);
        }

        json = sse.Begin("message_delta");
        json.WriteStartObject();
        json.WriteString("type", "message_delta");
        json.WriteStartObject("delta");
        json.WriteString("stop_reason", reply.StopReason);
        json.WriteNull("stop_sequence");
        json.WriteEndObject();
        json.WriteStartObject("usage");
        json.WriteNumber("output_tokens", reply.OutputTokens);
        json.WriteEndObject();
        json.WriteEndObject();
        await sse.EndAsync(cancellationToken).ConfigureAwait(false);

        json = sse.Begin("message_stop");
        json.WriteStartObject();
        json.WriteString("type", "message_stop");
        json.WriteEndObject();
        await sse.EndAsync(cancellationToken).ConfigureAwait(false);
    }

    public static Task WriteMessageAsync(HttpResponse response, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var reply = message.Reply;
            WriteMessageHeader(json, message);
            json.WriteStartArray("content");
            for (var index = 0; index < reply.Blocks.Count; index++)
            {
                json.WriteStartObject();
                switch (reply.Blocks[index])
                {
                    case TextReplyBlock text:
                        json.WriteString("type", "text");
                        json.WriteString("text", text.Text);
                        break;
                    case ToolUseReplyBlock toolUse:
                        json.WriteString("type", "tool_use");
                        json.WriteString("id", message.ToolUseIds[index]);
                        json.WriteString("name", toolUse.Name);
                        json.WritePropertyName("input");
                        json.WriteRawValue(toolUse.InputJson, skipInputValidation: true);
                        break;
                    case ThinkingReplyBlock thinking:
                        json.WriteString("type", "thinking");
                        json.WriteString("thinking", thinking.Thinking);
                        json.WriteString("signature", thinking.Signature);
                        break;
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("stop_reason", reply.StopReason);
            json.WriteNull("stop_sequence");
            WriteUsage(json, reply.InputTokens, reply.OutputTokens);
            json.WriteEndObject();
        }

        return WriteJsonAsync(response, StatusCodes.Status200OK, buffer, cancellationToken);
    }

    public static Task WriteErrorAsync(
        HttpResponse response, int statusCode, string errorType, string message, string requestId, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteStartObject("error");
            json.WriteString("type", errorType);
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteString("request_id", requestId);
            json.WriteEndObject();
        }

        return WriteJsonAsync(response, statusCode, buffer, cancellationToken);
    }

    public static Task WriteTokenCountAsync(HttpResponse response, int inputTokens, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("input_tokens", inputTokens);
            json.WriteEndObject();
        }

        return WriteJsonAsync(response, StatusCodes.Status200OK, buffer, cancellationToken);
    }

    /// <summary>Splits text in two non-empty halves (one part when shorter than two characters), never inside a surrogate pair.</summary>
    internal static IEnumerable<string> SplitInTwo(string text)
    {
        if (text.Length < 2)
        {
            if (text.Length == 1)
            {
                yield return text;
            }

            yield break;
        }

        var middle = (text.Length + 1) / 2;
        if (char.IsHighSurrogate(text[middle - 1]) && char.IsLowSurrogate(text[middle]))
        {
            middle++;
        }

        yield return text[..middle];
        if (middle < text.Length)
        {
            yield return text[middle..];
        }
    }

    private static async Task WriteJsonAsync(HttpResponse response, int statusCode, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private static void WriteMessageHeader(Utf8JsonWriter json, OutgoingMessage message)
    {
        json.WriteStartObject();
        json.WriteString("id", message.Id);
        json.WriteString("type", "message");
        json.WriteString("role", "assistant");
        json.WriteString("model", message.Model);
    }

    private static void WriteUsage(Utf8JsonWriter json, int inputTokens, int outputTokens)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("input_tokens", inputTokens);
        json.WriteNumber("cache_creation_input_tokens", 0);
        json.WriteNumber("cache_read_input_tokens", 0);
        json.WriteNumber("output_tokens", outputTokens);
        json.WriteEndObject();
    }

    private static async Task WriteDeltaAsync(
        SseWriter sse, int index, string deltaType, string field, string value, CancellationToken cancellationToken)
    {
        var json = sse.Begin("content_block_delta");
        json.WriteStartObject();
        json.WriteString("type", "content_block_delta");
        json.WriteNumber("index", index);
        json.WriteStartObject("delta");
        json.WriteString("type", deltaType);
        json.WriteString(field, value);
        json.WriteEndObject();
        json.WriteEndObject();
        await sse.EndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Frames one server-sent event per <see cref="Begin"/>/<see cref="EndAsync"/> pair and flushes it to the client.</summary>
    private sealed class SseWriter(PipeWriter pipe) : IDisposable
    {
        private readonly Utf8JsonWriter _json = new(pipe, WriterOptions);

        public Utf8JsonWriter Begin(string eventName)
        {
            Encoding.UTF8.GetBytes($"event: {eventName}\ndata: ", pipe);
            _json.Reset(pipe);
            return _json;
        }

        public async Task EndAsync(CancellationToken cancellationToken)
        {
            _json.Flush();
            Encoding.UTF8.GetBytes("\n\n", pipe);
            await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public void Dispose() => _json.Dispose();
    }
}
