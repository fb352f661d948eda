using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ClaudeOrchestration.Testing;

/// <summary>Turns an HTTP request into a <see cref="RecordedRequest"/>, reading the Messages API fields tests care about.</summary>
/// <remarks>
/// The body is read through <see cref="JsonDocument"/>, not deserialised into types: the CLI's requests carry many fields that
/// change between releases, and a recorder must keep all of them (as <see cref="RecordedRequest.Body"/>) while it picks out a few.
/// </remarks>
internal static class MessagesRequestReader
{
    internal const string MessagesPath = "/v1/messages";

    private const string SystemReminderTag = "<system-reminder>";

    private static readonly FrozenSet<string> SecretHeaders =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "x-api-key", "authorization", "cookie", "proxy-authorization");

    public static RecordedRequest Read(int sequence, HttpRequest request, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            if (!SecretHeaders.Contains(name))
            {
                headers[name] = values.ToString();
            }
        }

        var root = TryParse(body);
        var fields = root is { ValueKind: JsonValueKind.Object } value ? value : default;
        var messages = Property(fields, "messages", JsonValueKind.Array);
        var toolNames = ToolNames(fields);
        var isStreaming = Property(fields, "stream", JsonValueKind.True) is not null;
        var maxTokens = Property(fields, "max_tokens", JsonValueKind.Number) is { } max && max.TryGetInt32(out var parsed) ? parsed : (int?)null;
        var isMessages = HttpMethods.IsPost(request.Method) && string.Equals(request.Path.Value, MessagesPath, StringComparison.OrdinalIgnoreCase);

        var latestUserText = messages is { } list ? LatestUserText(list) : string.Empty;
        return new RecordedRequest
        {
            Sequence = sequence,
            Method = request.Method,
            Path = request.Path.Value ?? "/",
            Query = request.QueryString.Value ?? string.Empty,
            Headers = headers,
            HasApiKey = request.Headers.ContainsKey("x-api-key") || request.Headers.ContainsKey("authorization"),
            RawBody = Encoding.UTF8.GetString(body),
            Body = root,
            Model = Property(fields, "model", JsonValueKind.String)?.GetString(),
            SessionId = SessionId(fields),
            IsStreaming = isStreaming,
            MaxTokens = maxTokens,
            ToolNames = toolNames,
            SystemText = SystemText(Property(fields, "system")),
            Messages = messages,
            LatestUserText = latestUserText,
            NewestUserText = AfterInterruptMarker(latestUserText),
            ToolResults = messages is { } all ? ToolResults(all) : [],
            IsSideCall = isMessages && root is not null && (toolNames.Count == 0 || (!isStreaming && maxTokens == 1)),
        };
    }

    private static JsonElement? TryParse(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON: the request is still recorded with its raw body, and the route answers 400.
            return null;
        }
    }

    private static JsonElement? Property(JsonElement element, string name, JsonValueKind? kind = null) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && (kind is null || value.ValueKind == kind)
            ? value
            : null;

    private static List<string> ToolNames(JsonElement body)
    {
        var names = new List<string>();
        if (Property(body, "tools", JsonValueKind.Array) is { } tools)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (Property(tool, "name", JsonValueKind.String) is { } name)
                {
                    names.Add(name.GetString()!);
                }
            }
        }

        return names;
    }

    // The CLI sends metadata.user_id as a JSON string: {"device_id":…,"account_uuid":…,"session_id":…}.
    private static string? SessionId(JsonElement body)
    {
        if (Property(Property(body, "metadata") ?? default, "user_id", JsonValueKind.String)?.GetString() is not { } userId
            || !userId.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(userId);
            return Property(document.RootElement, "session_id", JsonValueKind.String)?.GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string SystemText(JsonElement? system) => system switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString()!,
        { ValueKind: JsonValueKind.Array } blocks => string.Join('\n', Texts(blocks)),
        _ => string.Empty,
    };

    private static string LatestUserText(JsonElement messages)
    {
        for (var i = messages.GetArrayLength() - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (!IsUser(message))
            {
                continue;
            }

            var text = Property(message, "content") switch
            {
                { ValueKind: JsonValueKind.String } content => IsReminder(content.GetString()!) ? string.Empty : content.GetString()!,
                { ValueKind: JsonValueKind.Array } blocks => string.Join('\n', Texts(blocks).Where(t => !IsReminder(t))),
                _ => string.Empty,
            };

            if (text.Length > 0)
            {
                return text;
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// After an interrupt the CLI 2.1.330 sends the cut-off prompt, a <c>[Request interrupted by user]</c> text and the new
    /// prompt as one user message (two user messages in a row are not allowed): keep only what follows the last marker.
    /// </summary>
    private static string AfterInterruptMarker(string text)
    {
        var marker = text.LastIndexOf(InterruptMarker, StringComparison.Ordinal);
        if (marker < 0)
        {
            return text;
        }

        var end = text.IndexOf(']', marker);
        return end < 0 ? string.Empty : text[(end + 1)..].TrimStart();
    }

    private static List<RecordedToolResult> ToolResults(JsonElement messages)
    {
        var results = new List<RecordedToolResult>();

        // The newest user message; "system" entries the CLI appends after it are skipped.
        for (var i = messages.GetArrayLength() - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (!IsUser(message))
            {
                continue;
            }

            if (Property(message, "content", JsonValueKind.Array) is { } blocks)
            {
                foreach (var block in blocks.EnumerateArray())
                {
                    if (Type(block) != "tool_result")
                    {
                        continue;
                    }

                    results.Add(new RecordedToolResult
                    {
                        ToolUseId = Property(block, "tool_use_id", JsonValueKind.String)?.GetString() ?? string.Empty,
                        Content = Property(block, "content") switch
                        {
                            { ValueKind: JsonValueKind.String } content => content.GetString()!,
                            { ValueKind: JsonValueKind.Array } parts => string.Concat(Texts(parts)),
                            _ => string.Empty,
                        },
                        IsError = Property(block, "is_error", JsonValueKind.True) is not null,
                    });
                }
            }

            break;
        }

        return results;
    }

    private static IEnumerable<string> Texts(JsonElement blocks)
    {
        foreach (var block in blocks.EnumerateArray())
        {
            if (Type(block) == "text" && Property(block, "text", JsonValueKind.String) is { } text)
            {
                yield return text.GetString()!;
            }
        }
    }

    private static bool IsUser(JsonElement message) =>
        Property(message, "role", JsonValueKind.String) is { } role && role.ValueEquals("user"u8);

    private static string? Type(JsonElement block) => Property(block, "type", JsonValueKind.String)?.GetString();

    // Also the start of "[Request interrupted by user for tool use]".
    private const string InterruptMarker = "[Request interrupted by user";

    private static bool IsReminder(string text) => text.AsSpan().TrimStart().StartsWith(SystemReminderTag, StringComparison.Ordinal);
}
