using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Sessions;

/// <summary>Decides whether a tool call may run (the CLI's <c>can_use_tool</c> request).</summary>
/// <param name="request">The tool, its input and the CLI's reasons for asking.</param>
/// <param name="cancellationToken">Cancelled when the CLI withdraws the request, the callback times out, or the session ends.</param>
/// <returns>Allow (optionally with a rewritten input) or deny (optionally interrupting the turn).</returns>
public delegate ValueTask<ClaudePermissionResult> ClaudePermissionHandler(ClaudeToolPermissionRequest request, CancellationToken cancellationToken);

/// <summary>A tool call the CLI asks the host about.</summary>
public sealed class ClaudeToolPermissionRequest
{
    /// <summary>The tool, e.g. <c>Read</c>, <c>Bash</c> or <c>mcp__server__tool</c>.</summary>
    public required string ToolName { get; init; }

    /// <summary>The input the model gave the tool.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>The tool call's id.</summary>
    public string? ToolUseId { get; init; }

    /// <summary>Why the CLI asks, e.g. <c>Path is outside allowed working directories</c>.</summary>
    public string? DecisionReason { get; init; }

    /// <summary>A machine-readable reason, e.g. <c>workingDir</c>.</summary>
    public string? DecisionReasonType { get; init; }

    /// <summary>The path that made the CLI ask, when one did.</summary>
    public string? BlockedPath { get; init; }

    /// <summary>The subagent making the call, when it is not the main agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Permission updates the CLI suggests (to pass back in <see cref="ClaudePermissionResult.Allow(JsonObject?, JsonArray?)"/>), or <see langword="null"/>.</summary>
    public JsonElement? Suggestions { get; init; }

    /// <summary>The whole request as the CLI sent it.</summary>
    public required JsonElement Raw { get; init; }
}

/// <summary>The answer to a <see cref="ClaudeToolPermissionRequest"/>.</summary>
public sealed class ClaudePermissionResult
{
    private ClaudePermissionResult(bool allowed)
    {
        IsAllowed = allowed;
    }

    /// <summary>Whether the call may run.</summary>
    public bool IsAllowed { get; }

    /// <summary>For an allow: the input the tool runs with; <see langword="null"/> keeps the model's input.</summary>
    public JsonObject? UpdatedInput { get; private init; }

    /// <summary>For an allow: permission updates to apply (<c>PermissionUpdate</c> objects), e.g. a suggestion the CLI offered.</summary>
    public JsonArray? UpdatedPermissions { get; private init; }

    /// <summary>For a deny: the message the model sees.</summary>
    public string? Message { get; private init; }

    /// <summary>For a deny: also interrupt the turn.</summary>
    public bool Interrupt { get; private init; }

    /// <summary>Lets the call run.</summary>
    /// <param name="updatedInput">A replacement input, or <see langword="null"/> to keep the model's.</param>
    /// <param name="updatedPermissions">Permission updates to apply, or <see langword="null"/>.</param>
    /// <returns>The answer.</returns>
    public static ClaudePermissionResult Allow(JsonObject? updatedInput = null, JsonArray? updatedPermissions = null) =>
        new(true) { UpdatedInput = updatedInput, UpdatedPermissions = updatedPermissions };

    /// <summary>
    /// Lets the call run with an input given as a <see cref="JsonElement"/>, the type
    /// <see cref="ClaudeToolPermissionRequest.Input"/> arrives in (so a handler can pass an input it received or built with
    /// <see cref="System.Text.Json"/> straight back).
    /// </summary>
    /// <param name="updatedInput">The input the tool runs with; a JSON object.</param>
    /// <param name="updatedPermissions">Permission updates to apply, or <see langword="null"/>.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ArgumentException"><paramref name="updatedInput"/> is not a JSON object.</exception>
    public static ClaudePermissionResult Allow(JsonElement updatedInput, JsonArray? updatedPermissions = null) =>
        Allow(ToObject(updatedInput, nameof(updatedInput)), updatedPermissions);

    /// <summary>Refuses the call; the model gets a tool error with <paramref name="message"/> and the denial is listed in the result.</summary>
    /// <param name="message">Why the call was refused.</param>
    /// <param name="interrupt">Also stop the turn.</param>
    /// <returns>The answer.</returns>
    public static ClaudePermissionResult Deny(string message, bool interrupt = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        return new(false) { Message = message, Interrupt = interrupt };
    }

    internal static JsonObject ToObject(JsonElement input, string parameterName) =>
        input.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(input)!
            : throw new ArgumentException($"A tool input must be a JSON object, not {input.ValueKind}.", parameterName);

    internal void WriteTo(Utf8JsonWriter writer, ClaudeToolPermissionRequest request)
    {
        writer.WriteStartObject();
        if (IsAllowed)
        {
            writer.WriteString("behavior", "allow");
            writer.WritePropertyName("updatedInput");
            if (UpdatedInput is { } input)
            {
                input.WriteTo(writer);
            }
            else
            {
                // The CLI expects updatedInput on every allow; the model's own input means "unchanged".
                request.Input.WriteTo(writer);
            }

            if (UpdatedPermissions is { } permissions)
            {
                writer.WritePropertyName("updatedPermissions");
                permissions.WriteTo(writer);
            }

            if (request.ToolUseId is { } id)
            {
                writer.WriteString("toolUseID", id);
            }
        }
        else
        {
            writer.WriteString("behavior", "deny");
            writer.WriteString("message", Message);
            if (Interrupt)
            {
                writer.WriteBoolean("interrupt", true);
            }
        }

        writer.WriteEndObject();
    }
}
