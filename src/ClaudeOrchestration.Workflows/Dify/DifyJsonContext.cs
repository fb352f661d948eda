using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>Source-generated metadata for Dify's wire types; names are snake_case as on the wire, timestamps Unix seconds.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(UnixSecondsConverter)])]
[JsonSerializable(typeof(DifyWorkflowRunResult))]
[JsonSerializable(typeof(DifyWorkflowRunDetail))]
[JsonSerializable(typeof(DifyRunRequestWire))]
[JsonSerializable(typeof(DifyStopRequestWire))]
[JsonSerializable(typeof(DifyErrorWire))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
[JsonSerializable(typeof(DifyUnknownEvent))]
[JsonSerializable(typeof(DifyWorkflowStartedEvent))]
[JsonSerializable(typeof(DifyNodeStartedEvent))]
[JsonSerializable(typeof(DifyNodeFinishedEvent))]
[JsonSerializable(typeof(DifyNodeRetryEvent))]
[JsonSerializable(typeof(DifyIterationStartedEvent))]
[JsonSerializable(typeof(DifyIterationNextEvent))]
[JsonSerializable(typeof(DifyIterationCompletedEvent))]
[JsonSerializable(typeof(DifyLoopStartedEvent))]
[JsonSerializable(typeof(DifyLoopNextEvent))]
[JsonSerializable(typeof(DifyLoopCompletedEvent))]
[JsonSerializable(typeof(DifyTextChunkEvent))]
[JsonSerializable(typeof(DifyReasoningChunkEvent))]
[JsonSerializable(typeof(DifyWorkflowFinishedEvent))]
[JsonSerializable(typeof(DifyWorkflowPausedEvent))]
[JsonSerializable(typeof(DifyHumanInputRequiredEvent))]
[JsonSerializable(typeof(DifyHumanInputFormFilledEvent))]
[JsonSerializable(typeof(DifyHumanInputFormTimeoutEvent))]
[JsonSerializable(typeof(DifyAgentLogEvent))]
[JsonSerializable(typeof(DifyTtsMessageEvent))]
[JsonSerializable(typeof(DifyTtsMessageEndEvent))]
internal sealed partial class DifyJsonContext : JsonSerializerContext;

/// <summary>The body of <c>POST /workflows/run</c>.</summary>
internal sealed record DifyRunRequestWire(JsonObject Inputs, string ResponseMode, string User, IReadOnlyList<DifyInputFile>? Files);

/// <summary>The body of <c>POST /workflows/tasks/{task_id}/stop</c>.</summary>
internal sealed record DifyStopRequestWire(string User);

/// <summary>Dify's error body, and the fields of a stream's <c>error</c> event.</summary>
internal sealed class DifyErrorWire
{
    public string? Code { get; init; }

    public string? Message { get; init; }

    public int? Status { get; init; }

    public string? TaskId { get; init; }

    public string? WorkflowRunId { get; init; }
}

/// <summary>Reads Dify's Unix-second timestamps (integer or fractional, or a numeric string) and writes integers.</summary>
internal sealed class UnixSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double seconds = reader.TokenType switch
        {
            JsonTokenType.Number => reader.GetDouble(),
            JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonTokenType.String when DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) => date.ToUnixTimeMilliseconds() / 1000d,
            _ => throw new JsonException($"Expected a Unix timestamp, got {reader.TokenType}."),
        };
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeSeconds());
}
