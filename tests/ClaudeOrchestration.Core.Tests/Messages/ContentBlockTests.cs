using System.Text;
using System.Text.Json;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Core.Tests.Messages;

public sealed class ContentBlockTests
{
    [Fact]
    public void Parse_AssistantWithEveryKnownBlockKind_ReadsEachBlock()
    {
        var assistant = ParseAssistant("""
            [
              {"type":"thinking","thinking":"let me think","signature":"sig=="},
              {"type":"redacted_thinking","data":"opaque"},
              {"type":"text","text":"Hello"},
              {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"dotnet"}},
              {"input":{"command":"ls","timeout":5},"name":"Bash","id":"toolu_1","type":"tool_use"}
            ]
            """);

        Assert.Collection(
            assistant.Content,
            b =>
            {
                var thinking = Assert.IsType<ThinkingBlock>(b);
                Assert.Equal("let me think", thinking.Thinking);
                Assert.Equal("sig==", thinking.Signature);
            },
            b => Assert.Equal("opaque", Assert.IsType<RedactedThinkingBlock>(b).Data),
            b => Assert.Equal("Hello", Assert.IsType<TextBlock>(b).Text),
            b =>
            {
                var server = Assert.IsType<ServerToolUseBlock>(b);
                Assert.Equal("srvtoolu_1", server.Id);
                Assert.Equal("web_search", server.Name);
                Assert.Equal("dotnet", server.Input.GetProperty("query").GetString());
            },
            b =>
            {
                var toolUse = Assert.IsType<ToolUseBlock>(b);
                Assert.Equal("toolu_1", toolUse.Id);
                Assert.Equal("Bash", toolUse.Name);
                Assert.Equal("ls", toolUse.Input.GetProperty("command").GetString());
                Assert.Equal(5, toolUse.Input.GetProperty("timeout").GetInt32());
            });
    }

    [Fact]
    public void Parse_UnknownBlockKind_KeepsRawAndTheRestOfTheMessage()
    {
        var assistant = ParseAssistant("""[{"type":"future_block","payload":{"x":[1,2]}},{"type":"text","text":"after"}]""");

        var unknown = Assert.IsType<UnknownContentBlock>(assistant.Content[0]);
        Assert.Equal("future_block", unknown.Type);
        Assert.Equal(2, unknown.Raw.GetProperty("payload").GetProperty("x").GetArrayLength());
        Assert.Equal("after", Assert.IsType<TextBlock>(assistant.Content[1]).Text);
    }

    [Fact]
    public void Parse_KnownBlockKindWithUnexpectedShape_BecomesUnknownBlockWithRaw()
    {
        var assistant = ParseAssistant("""[{"type":"tool_use","name":"Bash"},{"type":"text","text":7},{"type":"text","text":"ok"}]""");

        var missingId = Assert.IsType<UnknownContentBlock>(assistant.Content[0]);
        Assert.Equal("tool_use", missingId.Type);
        Assert.Equal("Bash", missingId.Raw.GetProperty("name").GetString());
        var numericText = Assert.IsType<UnknownContentBlock>(assistant.Content[1]);
        Assert.Equal(7, numericText.Raw.GetProperty("text").GetInt32());
        Assert.Equal("ok", Assert.IsType<TextBlock>(assistant.Content[2]).Text);
    }

    [Fact]
    public void Parse_BlockWithoutType_BecomesUnknownBlockWithEmptyType()
    {
        var block = Assert.IsType<UnknownContentBlock>(Assert.Single(ParseAssistant("""[{"text":"no type"}]""").Content));

        Assert.Equal(string.Empty, block.Type);
    }

    [Fact]
    public void Parse_ImageBlockInUserContent_BecomesUnknownBlock()
    {
        var user = ParseUser("""[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"text","text":"what is this?"}]""");

        Assert.Equal("image", Assert.IsType<UnknownContentBlock>(user.Content[0]).Type);
        Assert.Equal("what is this?", Assert.IsType<TextBlock>(user.Content[1]).Text);
    }

    [Fact]
    public void Parse_UserWithStringContent_GivesOneTextBlock()
    {
        var user = ParseUser("\"plain prompt\"");

        Assert.Equal("plain prompt", Assert.IsType<TextBlock>(Assert.Single(user.Content)).Text);
    }

    [Fact]
    public void Text_ToolResultWithStringContent_IsTheString()
    {
        var block = ParseToolResult("""{"type":"tool_result","tool_use_id":"t","content":"line 1\nline 2","is_error":true}""");

        Assert.Equal(JsonValueKind.String, block.Content.ValueKind);
        Assert.Equal("line 1\nline 2", block.Text);
        Assert.True(block.IsError);
    }

    [Fact]
    public void Text_ToolResultWithBlockArray_JoinsTheTextBlocks()
    {
        var block = ParseToolResult("""{"tool_use_id":"t","type":"tool_result","content":[{"type":"text","text":"a"},{"type":"image","source":{}},{"type":"text","text":"b"}]}""");

        Assert.Equal(JsonValueKind.Array, block.Content.ValueKind);
        Assert.Equal(3, block.Content.GetArrayLength());
        Assert.Equal("a\nb", block.Text);
        Assert.False(block.IsError);
    }

    [Fact]
    public void Text_ToolResultWithSingleTextBlock_IsThatText()
    {
        Assert.Equal("only", ParseToolResult("""{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"only"}]}""").Text);
    }

    [Fact]
    public void Text_ToolResultWithoutTextContent_IsNull()
    {
        Assert.Null(ParseToolResult("""{"type":"tool_result","tool_use_id":"t"}""").Text);
        Assert.Null(ParseToolResult("""{"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{}}]}""").Text);
    }

    private static AssistantMessage ParseAssistant(string contentJson) =>
        Assert.IsType<AssistantMessage>(ClaudeMessageParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"type":"assistant","message":{"id":"msg_1","model":"m","content":{{contentJson}}},"session_id":"s"}""")));

    private static UserMessage ParseUser(string contentJson) =>
        Assert.IsType<UserMessage>(ClaudeMessageParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"type":"user","message":{"role":"user","content":{{contentJson}}},"session_id":"s"}""")));

    private static ToolResultBlock ParseToolResult(string blockJson) =>
        Assert.IsType<ToolResultBlock>(Assert.Single(ParseUser($"[{blockJson}]").Content));
}
