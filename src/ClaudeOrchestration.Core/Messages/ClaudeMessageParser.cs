using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// Turns one line of the CLI's stream-json output into a typed <see cref="ClaudeMessage"/>.
/// </summary>
/// <remarks>
/// <para>
/// Key order on the wire is not fixed (a <c>result</c> line has its <c>type</c> near the end), so the parser first
/// walks the top-level properties, skipping nested values and stopping as soon as it knows <c>type</c> (and, for
/// <c>system</c>, <c>subtype</c>), then deserialises the same bytes with the source-generated metadata of the
/// matching class. The walk only looks at structure (quotes, brackets, commas); the deserialiser validates the line.
/// </para>
/// <para>
/// Never throws for JSON it cannot type: an unknown <c>type</c>, an object without one, or a known type whose shape
/// does not fit its class becomes an <see cref="UnknownMessage"/> (a <c>system</c> frame becomes a plain
/// <see cref="SystemMessage"/>) with the raw JSON kept. Lines that are not a single JSON object give <see langword="null"/>.
/// Thread-safe.
/// </para>
/// </remarks>
public static partial class ClaudeMessageParser
{
    /// <summary>The nesting limit for a line (tool inputs and results can be deep; System.Text.Json's default is 64).</summary>
    internal const int MaxDepth = 256;

    internal static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    private enum ScanOutcome
    {
        Found,
        NotAnObject,
        NeedsReader,
    }

    private enum Kind
    {
        None,
        Unknown,
        System,
        Assistant,
        User,
        Result,
        StreamEvent,
        ControlRequest,
        ControlResponse,
        ControlCancelRequest,
        KeepAlive,
        ToolProgress,
        RateLimitEvent,
        CommandLifecycle,
    }

    private enum SystemKind
    {
        Other,
        Init,
        ApiRetry,
        PermissionDenied,
        SessionStateChanged,
        Status,
        CompactBoundary,
        Hook,
        Task,
    }

    /// <summary>Parses one UTF-8 line (without its terminator; a trailing <c>\r</c> or whitespace is fine).</summary>
    /// <param name="utf8Line">The line's bytes.</param>
    /// <returns>The message, or <see langword="null"/> when the line is not exactly one JSON object.</returns>
    public static ClaudeMessage? Parse(ReadOnlySpan<byte> utf8Line)
    {
        if (utf8Line.StartsWith("\uFEFF"u8))
        {
            utf8Line = utf8Line[3..];
        }

        Kind kind;
        SystemKind systemKind;
        switch (FindType(utf8Line, out kind, out systemKind))
        {
            case ScanOutcome.NotAnObject:
                return null;
            case ScanOutcome.NeedsReader:
                try
                {
                    if (!TryScan(utf8Line, out kind, out systemKind))
                    {
                        return null;
                    }
                }
                catch (JsonException)
                {
                    return null;
                }

                break;
        }

        if (kind is Kind.None or Kind.Unknown)
        {
            return ParseUntyped(utf8Line, system: false);
        }

        try
        {
            return ParseTyped(utf8Line, kind, systemKind);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Either the line is malformed past the point the scan reached, or a known type has an unexpected shape;
            // ParseUntyped tells the two apart.
            return ParseUntyped(utf8Line, kind == Kind.System);
        }
    }

    /// <summary>Parses one UTF-8 line held in a possibly multi-segment sequence (as a <c>PipeReader</c> hands it out).</summary>
    /// <param name="utf8Line">The line's bytes.</param>
    /// <returns>The message, or <see langword="null"/> when the line is not exactly one JSON object.</returns>
    public static ClaudeMessage? Parse(ReadOnlySequence<byte> utf8Line)
    {
        if (utf8Line.IsSingleSegment)
        {
            return Parse(utf8Line.FirstSpan);
        }

        var length = checked((int)utf8Line.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            utf8Line.CopyTo(rented);
            return Parse(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ClaudeMessage ParseTyped(ReadOnlySpan<byte> line, Kind kind, SystemKind systemKind)
    {
        var context = ClaudeMessageJsonContext.Default;
        var wire = ClaudeWireJsonContext.Default;
        return kind switch
        {
            // The flattened types are read through their envelopes at the top level; going through the public
            // types' converters would cost a second deserialisation pass per frame.
            Kind.Assistant => Deserialize(line, wire.AssistantEnvelope).ToMessage(),
            Kind.User => Deserialize(line, wire.UserEnvelope).ToMessage(),
            Kind.StreamEvent => Deserialize(line, context.StreamEventMessage),
            Kind.Result => Deserialize(line, context.ResultMessage),
            Kind.System => ParseSystem(line, systemKind, context),
            Kind.ControlRequest => Deserialize(line, context.ControlRequestMessage),
            Kind.ControlResponse => Deserialize(line, wire.ControlResponseEnvelope).ToMessage(),
            Kind.ControlCancelRequest => Deserialize(line, context.ControlCancelRequestMessage),
            Kind.KeepAlive => Deserialize(line, context.KeepAliveMessage),
            Kind.ToolProgress => Deserialize(line, context.ToolProgressMessage),
            Kind.RateLimitEvent => Deserialize(line, context.RateLimitEventMessage),
            Kind.CommandLifecycle => Deserialize(line, context.CommandLifecycleMessage),
            _ => throw new JsonException($"No typed parser for {kind}."),
        };
    }

    private static SystemMessage ParseSystem(ReadOnlySpan<byte> line, SystemKind systemKind, ClaudeMessageJsonContext context)
    {
        SystemMessage message = systemKind switch
        {
            SystemKind.Init => Deserialize(line, context.SystemInitMessage),
            SystemKind.ApiRetry => Deserialize(line, context.ApiRetryMessage),
            SystemKind.PermissionDenied => Deserialize(line, context.PermissionDeniedMessage),
            SystemKind.SessionStateChanged => Deserialize(line, context.SessionStateChangedMessage),
            SystemKind.Status => Deserialize(line, context.StatusMessage),
            SystemKind.CompactBoundary => Deserialize(line, context.CompactBoundaryMessage),
            SystemKind.Hook => Deserialize(line, context.HookEventMessage),
            SystemKind.Task => Deserialize(line, context.TaskMessage),
            _ => Deserialize(line, context.SystemMessage),
        };

        // A copy of the bytes is cheap next to a second parse; Raw is only materialised if somebody reads it.
        message.AttachRaw(line.ToArray());
        return message;
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> line, JsonTypeInfo<T> typeInfo)
        where T : class =>
        JsonSerializer.Deserialize(line, typeInfo) ?? throw new JsonException("Expected a JSON object.");

    /// <summary>The slow path: validates the whole line and keeps it raw.</summary>
    private static ClaudeMessage? ParseUntyped(ReadOnlySpan<byte> line, bool system)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(line, ReaderOptions);
            root = JsonElement.ParseValue(ref reader);

            // Anything but whitespace after the object makes Read throw; ParseValue alone would not look.
            _ = reader.Read();
        }
        catch (JsonException)
        {
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (system)
        {
            try
            {
                var message = Deserialize(line, ClaudeMessageJsonContext.Default.SystemMessage);
                message.AttachRaw(line.ToArray());
                return message;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                // Not even a generic system frame (e.g. no string subtype): keep it as unknown.
            }
        }

        return new UnknownMessage(root);
    }

    /// <summary>
    /// The careful variant of <see cref="FindType"/>, for lines whose top-level keys or type values use escapes: finds
    /// <c>type</c> (and <c>subtype</c>) with a <see cref="Utf8JsonReader"/>. Returns <see langword="false"/> when the line
    /// is not a JSON object; throws <see cref="JsonException"/> when the part it reads is malformed.
    /// </summary>
    private static bool TryScan(ReadOnlySpan<byte> line, out Kind kind, out SystemKind systemKind)
    {
        kind = Kind.None;
        systemKind = SystemKind.Other;
        var subtypeSeen = false;
        var reader = new Utf8JsonReader(line, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (kind == Kind.None && reader.ValueTextEquals("type"u8))
            {
                _ = reader.Read();
                kind = reader.TokenType == JsonTokenType.String ? ClassifyType(ref reader) : Kind.Unknown;
                if (kind != Kind.System || subtypeSeen)
                {
                    return true;
                }
            }
            else if (!subtypeSeen && reader.ValueTextEquals("subtype"u8))
            {
                _ = reader.Read();
                subtypeSeen = true;
                if (reader.TokenType == JsonTokenType.String)
                {
                    systemKind = ClassifySystem(ref reader);
                }
                else
                {
                    reader.Skip();
                }

                if (kind != Kind.None)
                {
                    return true;
                }
            }
            else
            {
                _ = reader.Read();
                reader.Skip();
            }
        }

        return true;
    }

    private static Kind ClassifyType(ReadOnlySpan<byte> value) =>
        value.SequenceEqual("assistant"u8) ? Kind.Assistant
        : value.SequenceEqual("stream_event"u8) ? Kind.StreamEvent
        : value.SequenceEqual("user"u8) ? Kind.User
        : value.SequenceEqual("system"u8) ? Kind.System
        : value.SequenceEqual("result"u8) ? Kind.Result
        : value.SequenceEqual("control_request"u8) ? Kind.ControlRequest
        : value.SequenceEqual("control_response"u8) ? Kind.ControlResponse
        : value.SequenceEqual("control_cancel_request"u8) ? Kind.ControlCancelRequest
        : value.SequenceEqual("keep_alive"u8) ? Kind.KeepAlive
        : value.SequenceEqual("tool_progress"u8) ? Kind.ToolProgress
        : value.SequenceEqual("rate_limit_event"u8) ? Kind.RateLimitEvent
        : value.SequenceEqual("command_lifecycle"u8) ? Kind.CommandLifecycle
        : Kind.Unknown;

    private static SystemKind ClassifySystem(ReadOnlySpan<byte> value) =>
        value.SequenceEqual("init"u8) ? SystemKind.Init
        : value.SequenceEqual("status"u8) ? SystemKind.Status
        : value.SequenceEqual("session_state_changed"u8) ? SystemKind.SessionStateChanged
        : value.SequenceEqual("api_retry"u8) ? SystemKind.ApiRetry
        : value.SequenceEqual("permission_denied"u8) ? SystemKind.PermissionDenied
        : value.SequenceEqual("compact_boundary"u8) ? SystemKind.CompactBoundary
        : value.SequenceEqual("hook_started"u8) || value.SequenceEqual("hook_progress"u8) || value.SequenceEqual("hook_response"u8) ? SystemKind.Hook
        : value.SequenceEqual("task_started"u8) || value.SequenceEqual("task_progress"u8)
            || value.SequenceEqual("task_updated"u8) || value.SequenceEqual("task_notification"u8) ? SystemKind.Task
        : SystemKind.Other;

    private static Kind ClassifyType(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("assistant"u8) ? Kind.Assistant
        : reader.ValueTextEquals("stream_event"u8) ? Kind.StreamEvent
        : reader.ValueTextEquals("user"u8) ? Kind.User
        : reader.ValueTextEquals("system"u8) ? Kind.System
        : reader.ValueTextEquals("result"u8) ? Kind.Result
        : reader.ValueTextEquals("control_request"u8) ? Kind.ControlRequest
        : reader.ValueTextEquals("control_response"u8) ? Kind.ControlResponse
        : reader.ValueTextEquals("control_cancel_request"u8) ? Kind.ControlCancelRequest
        : reader.ValueTextEquals("keep_alive"u8) ? Kind.KeepAlive
        : reader.ValueTextEquals("tool_progress"u8) ? Kind.ToolProgress
        : reader.ValueTextEquals("rate_limit_event"u8) ? Kind.RateLimitEvent
        : reader.ValueTextEquals("command_lifecycle"u8) ? Kind.CommandLifecycle
        : Kind.Unknown;

    private static SystemKind ClassifySystem(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("init"u8) ? SystemKind.Init
        : reader.ValueTextEquals("status"u8) ? SystemKind.Status
        : reader.ValueTextEquals("session_state_changed"u8) ? SystemKind.SessionStateChanged
        : reader.ValueTextEquals("api_retry"u8) ? SystemKind.ApiRetry
        : reader.ValueTextEquals("permission_denied"u8) ? SystemKind.PermissionDenied
        : reader.ValueTextEquals("compact_boundary"u8) ? SystemKind.CompactBoundary
        : reader.ValueTextEquals("hook_started"u8) || reader.ValueTextEquals("hook_progress"u8) || reader.ValueTextEquals("hook_response"u8) ? SystemKind.Hook
        : reader.ValueTextEquals("task_started"u8) || reader.ValueTextEquals("task_progress"u8)
            || reader.ValueTextEquals("task_updated"u8) || reader.ValueTextEquals("task_notification"u8) ? SystemKind.Task
        : SystemKind.Other;
}
