using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Sessions;

/// <summary>Handles one hook event the CLI reports through a <c>hook_callback</c> control request.</summary>
/// <param name="input">The event: its name, the tool involved (for tool events) and the full payload.</param>
/// <param name="cancellationToken">Cancelled when the CLI withdraws the request, the hook times out, or the session ends.</param>
/// <returns>What the CLI should do; <see cref="ClaudeHookOutput.Continue"/> to carry on unchanged.</returns>
public delegate ValueTask<ClaudeHookOutput> ClaudeHookCallback(ClaudeHookInput input, CancellationToken cancellationToken);

/// <summary>The hook event names the CLI knows (it accepts more; any name is passed through).</summary>
public static class ClaudeHookEvents
{
    /// <summary>Before a tool runs; the hook may block it or rewrite its input.</summary>
    public const string PreToolUse = "PreToolUse";

    /// <summary>After a tool ran; the hook may add context for the model.</summary>
    public const string PostToolUse = "PostToolUse";

    /// <summary>After a tool failed.</summary>
    public const string PostToolUseFailure = "PostToolUseFailure";

    /// <summary>When a prompt is submitted.</summary>
    public const string UserPromptSubmit = "UserPromptSubmit";

    /// <summary>When the agent is about to stop.</summary>
    public const string Stop = "Stop";

    /// <summary>When a subagent starts.</summary>
    public const string SubagentStart = "SubagentStart";

    /// <summary>When a subagent is about to stop.</summary>
    public const string SubagentStop = "SubagentStop";

    /// <summary>Before the conversation is compacted.</summary>
    public const string PreCompact = "PreCompact";

    /// <summary>When the CLI shows a notification.</summary>
    public const string Notification = "Notification";

    /// <summary>When a permission prompt would be shown.</summary>
    public const string PermissionRequest = "PermissionRequest";

    /// <summary>When a session starts.</summary>
    public const string SessionStart = "SessionStart";

    /// <summary>When a session ends.</summary>
    public const string SessionEnd = "SessionEnd";
}

/// <summary>Which hook callbacks run for an event, and for which tools.</summary>
public sealed class ClaudeHookMatcher
{
    /// <summary>The event name, e.g. <see cref="ClaudeHookEvents.PreToolUse"/>.</summary>
    public required string Event { get; init; }

    /// <summary>For tool events, a tool-name pattern such as <c>Bash</c> or <c>Write|Edit</c>; <see langword="null"/> matches every tool.</summary>
    public string? Matcher { get; init; }

    /// <summary>The callbacks; the CLI may call several of them concurrently.</summary>
    public required IReadOnlyList<ClaudeHookCallback> Callbacks { get; init; }

    /// <summary>
    /// How long each callback may run. The CLI is told (whole seconds, rounded up); the session also cancels the
    /// callback's token and answers with an error when it elapses. <see langword="null"/> uses the CLI's default.
    /// </summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>The event a <see cref="ClaudeHookCallback"/> is called for.</summary>
public sealed class ClaudeHookInput
{
    /// <summary>The event name (<c>hook_event_name</c>), e.g. <c>PreToolUse</c>.</summary>
    public required string EventName { get; init; }

    /// <summary>The session the event belongs to.</summary>
    public string? SessionId { get; init; }

    /// <summary>For tool events, the tool's name.</summary>
    public string? ToolName { get; init; }

    /// <summary>For tool events, the tool's input (<c>tool_input</c>).</summary>
    public JsonElement? ToolInput { get; init; }

    /// <summary>For tool events, the tool call's id.</summary>
    public string? ToolUseId { get; init; }

    /// <summary>The whole <c>input</c> object as the CLI sent it (transcript path, cwd, <c>tool_response</c>, …).</summary>
    public required JsonElement Raw { get; init; }
}

/// <summary>A hook's answer (the CLI's <c>HookJSONOutput</c>). Build one with the static helpers or set the properties.</summary>
public sealed class ClaudeHookOutput
{
    /// <summary>An answer that changes nothing (<c>{}</c>).</summary>
    public static ClaudeHookOutput Continue { get; } = new();

    /// <summary><see langword="false"/> stops the agent after this hook (<c>continue</c>).</summary>
    public bool? ContinueAgent { get; init; }

    /// <summary>Hide the hook's output from the transcript (<c>suppressOutput</c>).</summary>
    public bool? SuppressOutput { get; init; }

    /// <summary>The reason shown when <see cref="ContinueAgent"/> is <see langword="false"/> (<c>stopReason</c>).</summary>
    public string? StopReason { get; init; }

    /// <summary><c>approve</c> or <c>block</c> (<c>decision</c>).</summary>
    public string? Decision { get; init; }

    /// <summary>A message shown to the user (<c>systemMessage</c>).</summary>
    public string? SystemMessage { get; init; }

    /// <summary>The reason for <see cref="Decision"/>, shown to the model (<c>reason</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>The event-specific part (<c>hookSpecificOutput</c>), including <c>hookEventName</c>.</summary>
    public JsonObject? HookSpecificOutput { get; init; }

    /// <summary>PreToolUse: refuse the tool call; the model sees <paramref name="reason"/>.</summary>
    /// <param name="reason">Why the call was refused.</param>
    /// <returns>The answer.</returns>
    public static ClaudeHookOutput DenyTool(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new ClaudeHookOutput
        {
            HookSpecificOutput = new JsonObject
            {
                ["hookEventName"] = ClaudeHookEvents.PreToolUse,
                ["permissionDecision"] = "deny",
                ["permissionDecisionReason"] = reason,
            },
        };
    }

    /// <summary>PreToolUse: run the tool with a different input (allowed without a further permission prompt).</summary>
    /// <param name="updatedInput">The input the tool runs with.</param>
    /// <param name="reason">An optional reason, recorded with the decision.</param>
    /// <returns>The answer.</returns>
    public static ClaudeHookOutput RewriteToolInput(JsonObject updatedInput, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(updatedInput);
        var specific = new JsonObject
        {
            ["hookEventName"] = ClaudeHookEvents.PreToolUse,
            ["permissionDecision"] = "allow",
            ["updatedInput"] = updatedInput.DeepClone(),
        };
        if (reason is not null)
        {
            specific["permissionDecisionReason"] = reason;
        }

        return new ClaudeHookOutput { HookSpecificOutput = specific };
    }

    /// <summary>
    /// PreToolUse: run the tool with a different input, given as the <see cref="JsonElement"/> the hook received (for example
    /// <see cref="ClaudeHookInput.ToolInput"/>, or one built from it).
    /// </summary>
    /// <param name="updatedInput">The input the tool runs with; a JSON object.</param>
    /// <param name="reason">An optional reason, recorded with the decision.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ArgumentException"><paramref name="updatedInput"/> is not a JSON object.</exception>
    public static ClaudeHookOutput RewriteToolInput(JsonElement updatedInput, string? reason = null) =>
        RewriteToolInput(ClaudePermissionResult.ToObject(updatedInput, nameof(updatedInput)), reason);

    /// <summary>Adds text to the model's context for this event (PostToolUse, UserPromptSubmit, SessionStart, …).</summary>
    /// <param name="eventName">The event the hook answers.</param>
    /// <param name="context">The text.</param>
    /// <returns>The answer.</returns>
    public static ClaudeHookOutput AddContext(string eventName, string context)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(context);
        return new ClaudeHookOutput
        {
            HookSpecificOutput = new JsonObject { ["hookEventName"] = eventName, ["additionalContext"] = context },
        };
    }

    /// <summary>Blocks the action the event is about (<c>decision:"block"</c>) and tells the model why.</summary>
    /// <param name="reason">Why it was blocked.</param>
    /// <returns>The answer.</returns>
    public static ClaudeHookOutput Block(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new ClaudeHookOutput { Decision = "block", Reason = reason };
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (ContinueAgent is { } c)
        {
            writer.WriteBoolean("continue", c);
        }

        if (SuppressOutput is { } s)
        {
            writer.WriteBoolean("suppressOutput", s);
        }

        WriteIfSet(writer, "stopReason", StopReason);
        WriteIfSet(writer, "decision", Decision);
        WriteIfSet(writer, "systemMessage", SystemMessage);
        WriteIfSet(writer, "reason", Reason);
        if (HookSpecificOutput is { } specific)
        {
            writer.WritePropertyName("hookSpecificOutput");
            specific.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
