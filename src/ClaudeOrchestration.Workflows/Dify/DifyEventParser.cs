using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>Turns one SSE <c>data:</c> payload into a typed event.</summary>
internal static class DifyEventParser
{
    /// <summary>Parses a payload. Unknown or malformed-for-its-type events come back as <see cref="DifyUnknownEvent"/>.</summary>
    /// <exception cref="JsonException">The payload is not JSON at all.</exception>
    public static DifyWorkflowEvent Parse(string json, string? sseEventName)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        var name = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString() ?? ""
            : sseEventName ?? "";

        DifyWorkflowEvent parsed;
        try
        {
            parsed = Deserialize(root, name) ?? Unknown(root, name);
        }
        catch (JsonException)
        {
            // A known name with a shape this version cannot read: keep it rather than failing the whole run.
            parsed = Unknown(root, name);
        }

        parsed.Raw = root;
        return parsed;
    }

    private static DifyWorkflowEvent? Deserialize(JsonElement root, string name) => name switch
    {
        "workflow_started" => As(root, DifyJsonContext.Default.DifyWorkflowStartedEvent),
        "node_started" => As(root, DifyJsonContext.Default.DifyNodeStartedEvent),
        "node_finished" => As(root, DifyJsonContext.Default.DifyNodeFinishedEvent),
        "node_retry" => As(root, DifyJsonContext.Default.DifyNodeRetryEvent),
        "iteration_started" => As(root, DifyJsonContext.Default.DifyIterationStartedEvent),
        "iteration_next" => As(root, DifyJsonContext.Default.DifyIterationNextEvent),
        "iteration_completed" => As(root, DifyJsonContext.Default.DifyIterationCompletedEvent),
        "loop_started" => As(root, DifyJsonContext.Default.DifyLoopStartedEvent),
        "loop_next" => As(root, DifyJsonContext.Default.DifyLoopNextEvent),
        "loop_completed" => As(root, DifyJsonContext.Default.DifyLoopCompletedEvent),
        "text_chunk" => As(root, DifyJsonContext.Default.DifyTextChunkEvent),
        "reasoning_chunk" => As(root, DifyJsonContext.Default.DifyReasoningChunkEvent),
        "workflow_finished" => As(root, DifyJsonContext.Default.DifyWorkflowFinishedEvent),
        "workflow_paused" => As(root, DifyJsonContext.Default.DifyWorkflowPausedEvent),
        "human_input_required" => As(root, DifyJsonContext.Default.DifyHumanInputRequiredEvent),
        "human_input_form_filled" => As(root, DifyJsonContext.Default.DifyHumanInputFormFilledEvent),
        "human_input_form_timeout" => As(root, DifyJsonContext.Default.DifyHumanInputFormTimeoutEvent),
        "agent_log" => As(root, DifyJsonContext.Default.DifyAgentLogEvent),
        "tts_message" => As(root, DifyJsonContext.Default.DifyTtsMessageEvent),
        "tts_message_end" => As(root, DifyJsonContext.Default.DifyTtsMessageEndEvent),
        _ => null,
    };

    private static T? As<T>(JsonElement root, JsonTypeInfo<T> typeInfo) where T : DifyWorkflowEvent =>
        root.Deserialize(typeInfo);

    private static DifyUnknownEvent Unknown(JsonElement root, string name)
    {
        string? Text(string property) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;

        return new DifyUnknownEvent { Event = name, TaskId = Text("task_id"), WorkflowRunId = Text("workflow_run_id") };
    }
}
