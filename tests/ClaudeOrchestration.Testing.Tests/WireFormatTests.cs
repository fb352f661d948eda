using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Testing.Tests;

/// <summary>What goes over the wire: SSE framing and order, JSON messages, error bodies and the fixed endpoints.</summary>
public sealed class WireFormatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_DefaultOptions_ListensOnLoopbackWithADynamicPort()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var get = await http.GetAsync(server.BaseUrl, Ct);
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(server.BaseUrl, "api/hello")), Ct);

        Assert.Equal("http", server.BaseUrl.Scheme);
        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        Assert.NotEqual(0, server.BaseUrl.Port);
        Assert.Equal("/", server.BaseUrl.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.All(server.Requests, r => Assert.Equal(ReplySource.BuiltIn, r.ReplySource));
    }

    [Fact]
    public async Task Streaming_TextReply_EmitsMessagesApiEventsInOrder()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.Text("Hello from the scripted server, with ünïcödé and <tags>.").WithUsage(321, 54));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("hi"), Ct);
        var events = await MessagesApi.ReadEventsAsync(response, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.DataType));

        var start = events[0].Data.GetProperty("message");
        Assert.Equal("message", start.GetProperty("type").GetString());
        Assert.Equal("assistant", start.GetProperty("role").GetString());
        Assert.Equal("claude-test-1", start.GetProperty("model").GetString());
        Assert.StartsWith("msg_", start.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Empty(start.GetProperty("content").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, start.GetProperty("stop_reason").ValueKind);
        Assert.Equal(321, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());

        var blockStart = events[2].Data;
        Assert.Equal(0, blockStart.GetProperty("index").GetInt32());
        Assert.Equal("text", blockStart.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("Hello from the scripted server, with ünïcödé and <tags>.", MessagesApi.Assemble(events, 0, "text_delta", "text"));

        var delta = events[6].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(54, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("req_scripted_0001", response.Headers.GetValues("request-id").Single());
    }

    [Fact]
    public async Task Streaming_ToolUse_InputJsonDeltasAssembleIntoTheScriptedInput()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var input = new JsonObject
        {
            ["command"] = "echo \"quoted\" && printf '%s' 😀",
            ["timeout"] = 1200,
            ["nested"] = new JsonObject { ["flags"] = new JsonArray("-a", "-b"), ["dry"] = false },
        };
        server.Enqueue(ScriptedReply.ToolUse("Bash", input, leadingText: "I will run a command."));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("run it"), Ct);
        var events = await MessagesApi.ReadEventsAsync(response, Ct);

        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Data).ToArray();
        Assert.Equal(["text", "tool_use"], starts.Select(s => s.GetProperty("content_block").GetProperty("type").GetString()));
        var toolBlock = starts[1].GetProperty("content_block");
        Assert.Equal("Bash", toolBlock.GetProperty("name").GetString());
        Assert.StartsWith("toolu_", toolBlock.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Empty(toolBlock.GetProperty("input").EnumerateObject());

        Assert.Equal("I will run a command.", MessagesApi.Assemble(events, 0, "text_delta", "text"));
        var jsonDeltas = events.Count(e => e.Name == "content_block_delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == "input_json_delta");
        Assert.True(jsonDeltas >= 2, $"the input should arrive in pieces, got {jsonDeltas} delta(s)");
        var assembled = JsonNode.Parse(MessagesApi.Assemble(events, 1, "input_json_delta", "partial_json"));
        Assert.True(JsonNode.DeepEquals(input, assembled), assembled?.ToJsonString());

        Assert.Equal("tool_use", events.Single(e => e.Name == "message_delta").Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Streaming_Thinking_EmitsThinkingAndSignatureDeltasBeforeTheText()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.Text("Answer.").WithThinking("Let me think about this."));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("think"), Ct);
        var events = await MessagesApi.ReadEventsAsync(response, Ct);

        var first = events.First(e => e.Name == "content_block_start").Data.GetProperty("content_block");
        Assert.Equal("thinking", first.GetProperty("type").GetString());
        Assert.Equal("Let me think about this.", MessagesApi.Assemble(events, 0, "thinking_delta", "thinking"));
        Assert.NotEmpty(MessagesApi.Assemble(events, 0, "signature_delta", "signature"));
        Assert.Equal("Answer.", MessagesApi.Assemble(events, 1, "text_delta", "text"));
    }

    [Fact]
    public async Task NonStreaming_ToolUse_ReturnsOneJsonMessage()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = "/tmp/x" }, "Reading.").WithUsage(7, 3));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("read", stream: false), Ct);
        var message = await MessagesApi.ReadJsonAsync(response, Ct);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        var content = message.GetProperty("content");
        Assert.Equal("Reading.", content[0].GetProperty("text").GetString());
        Assert.Equal("tool_use", content[1].GetProperty("type").GetString());
        Assert.Equal("/tmp/x", content[1].GetProperty("input").GetProperty("file_path").GetString());
        Assert.Equal(7, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(3, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task StructuredOutput_Reply_CallsTheStructuredOutputToolWithTheValue()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var value = new JsonObject { ["name"] = "Ada", ["age"] = 36 };
        server.Enqueue(ScriptedReply.StructuredOutput(value));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("who", stream: false, tools: ["StructuredOutput"]), Ct);
        var block = (await MessagesApi.ReadJsonAsync(response, Ct)).GetProperty("content")[0];

        Assert.Equal("StructuredOutput", block.GetProperty("name").GetString());
        Assert.True(JsonNode.DeepEquals(value, JsonNode.Parse(block.GetProperty("input").GetRawText())));
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(529, "overloaded_error")]
    public async Task Error_Reply_ReturnsTheStatusAndAnAnthropicErrorBody(int status, string errorType)
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.Error(status, errorType, $"scripted {status}"));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("fail"), Ct);
        var body = await MessagesApi.ReadJsonAsync(response, Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal(errorType, body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal($"scripted {status}", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(status, server.Requests.Single().StatusCode);
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(529, "overloaded_error")]
    public void Error_StatusOnly_UsesTheMessagesApiErrorType(int status, string errorType)
    {
        var reply = ScriptedReply.Error(status, "boom");

        Assert.Equal(errorType, ScriptedReply.ErrorTypeFor(status));
        Assert.Equal(status, reply.StatusCode);
        Assert.True(reply.IsError);
        Assert.Contains(errorType, reply.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountTokens_Post_ReturnsInputTokensWithoutConsumingTheScript()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.Text("kept"));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("count me"), Ct, "v1/messages/count_tokens?beta=true");
        var body = await MessagesApi.ReadJsonAsync(response, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("input_tokens").GetInt32() > 0);
        Assert.Equal(1, server.QueuedReplyCount);
        Assert.Equal(ReplySource.BuiltIn, server.Requests.Single().ReplySource);
    }

    [Fact]
    public async Task UnknownRoute_Request_Returns404ErrorAndIsRecorded()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(server.BaseUrl, "v1/models?limit=5"), Ct);
        var body = await MessagesApi.ReadJsonAsync(response, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found_error", body.GetProperty("error").GetProperty("type").GetString());
        var recorded = server.Requests.Single();
        Assert.Equal(("GET", "/v1/models", "?limit=5", 404), (recorded.Method, recorded.Path, recorded.Query, recorded.StatusCode));
    }

    [Fact]
    public async Task Messages_BodyIsNotJson_Returns400AndRecordsTheRawBody()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await MessagesApi.PostRawAsync(http, server, "{not json", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var recorded = server.Requests.Single();
        Assert.Equal("{not json", recorded.RawBody);
        Assert.Null(recorded.Body);
        Assert.Equal(ReplySource.BuiltIn, recorded.ReplySource);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("ab", 2)]
    [InlineData("abcde", 2)]
    [InlineData("a😀", 1)]
    [InlineData("😀😀", 2)]
    public void SplitInTwo_Text_GivesNonEmptyPartsThatRejoinWithoutBreakingSurrogatePairs(string text, int parts)
    {
        var split = MessagesResponseWriter.SplitInTwo(text).ToArray();

        Assert.Equal(parts, split.Length);
        Assert.Equal(text, string.Concat(split));
        Assert.All(split, part => Assert.False(char.IsHighSurrogate(part[^1]), "a part ends inside a surrogate pair"));
    }
}
