using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Sessions;

namespace ClaudeOrchestration.Mcp.Tests.TestSupport;

/// <summary>
/// Drives an <see cref="IClaudeSdkMcpServer"/> with raw JSON-RPC exactly as the Claude Code CLI 2.1.330 does through
/// <c>mcp_message</c> (shapes copied from the recorded transcript <c>samples/20-control-protocol</c>).
/// </summary>
internal sealed class CliMcpClient(IClaudeSdkMcpServer server)
{
    private long _nextId;

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement Request(long id, string method, JsonNode? parameters = null)
    {
        var message = new JsonObject { ["method"] = method, ["jsonrpc"] = "2.0", ["id"] = id };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        return Parse(message.ToJsonString());
    }

    public static JsonElement Notification(string method, JsonNode? parameters = null)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        return Parse(message.ToJsonString());
    }

    public static JsonElement ToolCall(long id, string tool, JsonObject arguments) =>
        Request(id, "tools/call", new JsonObject
        {
            ["name"] = tool,
            ["arguments"] = arguments,
            ["_meta"] = new JsonObject { ["claudecode/toolUseId"] = $"toolu_test_{id}", ["progressToken"] = id },
        });

    /// <summary>initialize (protocol 2025-11-25, clientInfo claude-code, no capabilities) then notifications/initialized.</summary>
    public async Task<JsonElement> InitializeAsync(CancellationToken cancellationToken)
    {
        var response = await server.HandleMessageAsync(
            Request(NextId(), "initialize", new JsonObject
            {
                ["protocolVersion"] = "2025-11-25",
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = "claude-code", ["title"] = "Claude Code", ["version"] = "2.1.330" },
            }),
            cancellationToken);

        var initialized = await server.HandleMessageAsync(Notification("notifications/initialized"), cancellationToken);
        Assert.Null(initialized);
        return Result(response);
    }

    public async Task<JsonElement> ListToolsAsync(CancellationToken cancellationToken) =>
        Result(await server.HandleMessageAsync(Request(NextId(), "tools/list"), cancellationToken));

    public async Task<JsonElement?> CallRawAsync(string tool, JsonObject arguments, CancellationToken cancellationToken) =>
        await server.HandleMessageAsync(ToolCall(NextId(), tool, arguments), cancellationToken);

    public async Task<JsonElement> CallToolAsync(string tool, JsonObject arguments, CancellationToken cancellationToken) =>
        Result(await CallRawAsync(tool, arguments, cancellationToken));

    public long NextId() => Interlocked.Increment(ref _nextId) - 1;

    /// <summary>The <c>result</c> of a JSON-RPC response; fails the test with the whole response when it is an error.</summary>
    public static JsonElement Result(JsonElement? response)
    {
        Assert.NotNull(response);
        Assert.Equal("2.0", response.Value.GetProperty("jsonrpc").GetString());
        Assert.True(response.Value.TryGetProperty("result", out var result), $"Expected a result, got {response.Value.GetRawText()}");
        return result;
    }

    /// <summary>The <c>error</c> of a JSON-RPC response; fails the test when it is a result.</summary>
    public static JsonElement Error(JsonElement? response)
    {
        Assert.NotNull(response);
        Assert.True(response.Value.TryGetProperty("error", out var error), $"Expected an error, got {response.Value.GetRawText()}");
        return error;
    }

    public static string SingleText(JsonElement callToolResult)
    {
        var content = callToolResult.GetProperty("content");
        Assert.Equal(1, content.GetArrayLength());
        Assert.Equal("text", content[0].GetProperty("type").GetString());
        return content[0].GetProperty("text").GetString()!;
    }
}
