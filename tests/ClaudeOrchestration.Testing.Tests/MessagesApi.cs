using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Testing.Tests;

/// <summary>One server-sent event: its <c>event:</c> name and parsed <c>data:</c>.</summary>
internal sealed record SseEvent(string Name, JsonElement Data)
{
    public string DataType => Data.GetProperty("type").GetString()!;
}

/// <summary>A minimal Messages API client for the HTTP-level tests: builds bodies, posts them, parses SSE.</summary>
internal static class MessagesApi
{
    public static JsonObject Body(string prompt, bool stream = true, string[]? tools = null, int maxTokens = 1024)
    {
        var toolArray = new JsonArray();
        foreach (var name in tools ?? ["Bash", "Read"])
        {
            toolArray.Add(new JsonObject { ["name"] = name, ["input_schema"] = new JsonObject { ["type"] = "object" } });
        }

        return new JsonObject
        {
            ["model"] = "claude-test-1",
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
            ["tools"] = toolArray,
            ["messages"] = new JsonArray
            {
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = prompt } },
                },
            },
        };
    }

    public static Task<HttpResponseMessage> PostAsync(
        HttpClient http, ScriptedMessagesServer server, JsonNode body, CancellationToken cancellationToken, string path = "v1/messages?beta=true") =>
        PostRawAsync(http, server, body.ToJsonString(), cancellationToken, path);

    public static Task<HttpResponseMessage> PostRawAsync(
        HttpClient http, ScriptedMessagesServer server, string body, CancellationToken cancellationToken, string path = "v1/messages?beta=true")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", "sk-secret-value");
        request.Headers.Add("anthropic-version", "2023-06-01");
        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Parses an SSE body strictly: every event is <c>event: name\ndata: json\n\n</c>.</summary>
    public static async Task<IReadOnlyList<SseEvent>> ReadEventsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Assert.Equal(new MediaTypeHeaderValue("text/event-stream") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);

        var events = new List<SseEvent>();
        foreach (var frame in text[..^2].Split("\n\n"))
        {
            var lines = frame.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            using var data = JsonDocument.Parse(lines[1]["data: ".Length..]);
            events.Add(new SseEvent(lines[0]["event: ".Length..], data.RootElement.Clone()));
        }

        return events;
    }

    /// <summary>The concatenated delta field of one content block, e.g. all <c>partial_json</c> of block 1.</summary>
    public static string Assemble(IEnumerable<SseEvent> events, int index, string deltaType, string field) =>
        string.Concat(events
            .Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("index").GetInt32() == index)
            .Select(e => e.Data.GetProperty("delta"))
            .Where(d => d.GetProperty("type").GetString() == deltaType)
            .Select(d => d.GetProperty(field).GetString()));
}
