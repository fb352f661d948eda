using System.Text;
using System.Text.Json;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Core.Tests.Messages;

/// <summary><see cref="ClaudeMessageJsonContext"/> writes the wire shapes back, so parsed messages round-trip.</summary>
public sealed class MessageSerializationTests
{
    public static TheoryData<string> Fixtures => [.. SampleTranscripts.All];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Serialize_ParsedSampleFrame_ParsesBackToTheSameTypedValues(string fixture)
    {
        foreach (var frame in SampleTranscripts.Read(fixture))
        {
            var first = ClaudeMessageParser.Parse(frame.Utf8)!;
            var written = Serialize(first);

            var second = ClaudeMessageParser.Parse(Encoding.UTF8.GetBytes(written));

            Assert.NotNull(second);
            Assert.Equal(first.GetType(), second.GetType());
            Assert.Equal(written, Serialize(second));
        }
    }

    [Fact]
    public void Serialize_AssistantMessage_WritesNestedWireShape()
    {
        var message = new AssistantMessage
        {
            SessionId = "s",
            Uuid = "u",
            MessageId = "msg_1",
            Model = "claude-opus-5-5",
            Content = [new TextBlock { Text = "hi" }],
        };

        using var doc = JsonDocument.Parse(Serialize(message));
        var root = doc.RootElement;

        Assert.Equal("assistant", root.GetProperty("type").GetString());
        Assert.Equal("msg_1", root.GetProperty("message").GetProperty("id").GetString());
        Assert.Equal("assistant", root.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("hi", root.GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("text", root.GetProperty("message").GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("parent_tool_use_id").ValueKind);
        Assert.Equal("s", root.GetProperty("session_id").GetString());
    }

    [Fact]
    public void Serialize_UserPrompt_WritesTheStdinWireShape()
    {
        var message = new UserMessage { SessionId = string.Empty, Content = [new TextBlock { Text = "hello" }] };

        var json = Serialize(message);

        Assert.Equal("""{"type":"user","message":{"role":"user","content":[{"type":"text","text":"hello"}]},"parent_tool_use_id":null,"session_id":""}""", json);
    }

    [Fact]
    public void Serialize_ControlResponse_WritesTheStdinWireShape()
    {
        using var payload = JsonDocument.Parse("""{"behavior":"deny","message":"no"}""");
        var success = new ControlResponseMessage { RequestId = "r1", Subtype = "success", Response = payload.RootElement };
        var error = new ControlResponseMessage { RequestId = "r2", Subtype = "error", Error = "boom" };

        Assert.Equal("""{"type":"control_response","response":{"subtype":"success","request_id":"r1","response":{"behavior":"deny","message":"no"}}}""", Serialize(success));
        Assert.Equal("""{"type":"control_response","response":{"subtype":"error","request_id":"r2","error":"boom"}}""", Serialize(error));
    }

    [Fact]
    public void Serialize_UnknownContentBlock_WritesRawBack()
    {
        using var image = JsonDocument.Parse("""{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}""");
        var message = new UserMessage { Content = [new UnknownContentBlock(image.RootElement)] };

        using var doc = JsonDocument.Parse(Serialize(message));

        Assert.True(JsonElement.DeepEquals(image.RootElement, doc.RootElement.GetProperty("message").GetProperty("content")[0]));
    }

    [Fact]
    public void Serialize_ResultMessage_WritesWireNames()
    {
        var result = new ResultMessage
        {
            Subtype = "success",
            NumTurns = 2,
            ModelUsage = new Dictionary<string, ModelUsage> { ["m"] = new() { InputTokens = 1, CostUsd = 0.5m } },
        };

        var json = Serialize(result);

        Assert.Contains("\"type\":\"result\"", json, StringComparison.Ordinal);
        Assert.Contains("\"subtype\":\"success\"", json, StringComparison.Ordinal);
        Assert.Contains("\"num_turns\":2", json, StringComparison.Ordinal);
        Assert.Contains("\"modelUsage\":{\"m\":{\"inputTokens\":1,", json, StringComparison.Ordinal);
        Assert.Contains("\"costUSD\":0.5", json, StringComparison.Ordinal);
    }

    private static string Serialize(ClaudeMessage message) =>
        JsonSerializer.Serialize(message, ClaudeMessageJsonContext.Default.GetTypeInfo(message.GetType())!);
}
