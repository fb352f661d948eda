using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.AI.Tests;

/// <summary>How messages and <see cref="ChatOptions"/> map to a Claude Code turn (no CLI needed).</summary>
public sealed class ChatRequestTests
{
    private static readonly ClaudeCodeChatClientOptions Defaults = new();

    [Fact]
    public void Create_InstructionsAndSystemMessages_AppendedToTheSystemPromptByDefault()
    {
        var request = ChatRequest.Create(
            [new ChatMessage(ChatRole.System, "Be terse."), new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { Instructions = "You review code.", ModelId = "opus" },
            Defaults);

        var run = request.ToRunOptions(new ClaudeRunOptions { AppendSystemPrompt = "Base." }, "host");

        Assert.Equal("Hi", request.Prompt);
        Assert.Equal("opus", run.Model);
        Assert.Null(run.SystemPrompt);
        Assert.Equal("Base.\n\nYou review code.\n\nBe terse.", run.AppendSystemPrompt);
    }

    [Fact]
    public void Create_ReplaceSystemPrompt_SetsTheWholeSystemPrompt()
    {
        var request = ChatRequest.Create([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { Instructions = "Only this." }, new ClaudeCodeChatClientOptions { InstructionsReplaceSystemPrompt = true });

        var run = request.ToRunOptions(new ClaudeRunOptions(), "host");

        Assert.Equal("Only this.", run.SystemPrompt);
        Assert.Null(run.AppendSystemPrompt);
    }

    [Fact]
    public void Create_HistoryWithoutConversationId_BecomesATranscriptAheadOfTheLatestUserMessages()
    {
        var request = ChatRequest.Create(
            [
                new ChatMessage(ChatRole.User, "My name is Ada."),
                new ChatMessage(ChatRole.Assistant, "Hello Ada."),
                new ChatMessage(ChatRole.User, "What is my name?"),
                new ChatMessage(ChatRole.User, "Answer in one word."),
            ],
            null,
            Defaults);

        Assert.Equal(
            "<conversation_history>\nUser: My name is Ada.\nAssistant: Hello Ada.\n</conversation_history>\n\nWhat is my name?\n\nAnswer in one word.",
            request.Prompt);
        Assert.Null(request.ConversationId);
    }

    [Fact]
    public void Create_HistoryWithoutConversationId_ThrowsWhenConfiguredTo()
    {
        var settings = new ClaudeCodeChatClientOptions { HistoryWithoutConversation = ChatHistoryBehavior.Throw };

        var error = Assert.Throws<ArgumentException>(() => ChatRequest.Create(
            [new ChatMessage(ChatRole.User, "a"), new ChatMessage(ChatRole.Assistant, "b"), new ChatMessage(ChatRole.User, "c")], null, settings));

        Assert.Contains("ConversationId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithConversationId_SendsOnlyTheUserMessagesAfterTheLastReply()
    {
        var request = ChatRequest.Create(
            [new ChatMessage(ChatRole.User, "old"), new ChatMessage(ChatRole.Assistant, "reply"), new ChatMessage(ChatRole.User, "new")],
            new ChatOptions { ConversationId = "0b8a2a8e-5d0c-4b65-9a39-2f8f7f0c9f11" },
            Defaults);

        Assert.Equal("new", request.Prompt);
        Assert.Equal("0b8a2a8e-5d0c-4b65-9a39-2f8f7f0c9f11", request.ConversationId);
    }

    [Fact]
    public void Create_LastMessageNotFromTheUser_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChatRequest.Create([new ChatMessage(ChatRole.Assistant, "hi")], null, Defaults));
    }

    [Fact]
    public void Create_NonTextUserContent_ThrowsNotSupported()
    {
        var message = new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        Assert.Throws<NotSupportedException>(() => ChatRequest.Create([message], null, Defaults));
    }

    [Fact]
    public void Create_EchoedToolCallsInUserMessages_SkippedTextKept()
    {
        // What an Agent Framework workflow hands the next agent: another agent's output, reassigned to the user role.
        var echoed = new ChatMessage(ChatRole.User, [
            new TextContent("Let me read the ticket."),
            new FunctionCallContent("toolu_1", "mcp__host__get_ticket", new Dictionary<string, object?> { ["id"] = "T-42" }) { InformationalOnly = true },
            new FunctionResultContent("toolu_1", "T-42: bug"),
            new TextReasoningContent("thinking"),
            new TextContent("Fix: trim the name."),
        ]);

        var request = ChatRequest.Create([new ChatMessage(ChatRole.User, "Handle T-42."), echoed], null, Defaults);

        Assert.Equal("Handle T-42.\n\nLet me read the ticket.\n\nFix: trim the name.", request.Prompt);
    }

    [Fact]
    public void Create_UnsupportedSettings_Listed()
    {
        var request = ChatRequest.Create(
            [new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { Temperature = 0.1f, TopP = 0.5f, Seed = 7, MaxOutputTokens = 10, Tools = [new HostedWebSearchTool()] },
            Defaults);

        Assert.Contains("Temperature", request.Ignored);
        Assert.Contains("TopP", request.Ignored);
        Assert.Contains("Seed", request.Ignored);
        Assert.Contains("MaxOutputTokens", request.Ignored);
        Assert.Contains(request.Ignored, i => i.StartsWith("Tools (HostedWebSearchTool", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_JsonSchema_MapsToTheCliSchemaWithoutTheMetaSchemaStamp()
    {
        var request = ChatRequest.Create(
            [new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema<ClaudeCodeChatClientCliTests.Forecast>(AIJsonUtilities.DefaultOptions) },
            Defaults);

        Assert.NotNull(request.JsonSchema);
        Assert.False(request.JsonSchema.ContainsKey("$schema"));
        Assert.Equal("object", request.JsonSchema["type"]!.GetValue<string>());
    }

    [Fact]
    public void Create_Functions_AllowedAsMcpToolsAndPartOfTheSessionShape()
    {
        var add = AIFunctionFactory.Create((int a, int b) => a + b, "add");
        var request = ChatRequest.Create([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { Tools = [add] }, Defaults);
        var without = ChatRequest.Create([new ChatMessage(ChatRole.User, "Hi")], null, Defaults);
        var none = ChatRequest.Create([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { Tools = [add], ToolMode = ChatToolMode.None }, Defaults);

        var run = request.ToRunOptions(new ClaudeRunOptions { AllowedTools = ["Read"] }, "host");

        Assert.Equal(["Read", "mcp__host__add"], run.AllowedTools);
        Assert.NotEqual(without.Shape, request.Shape);
        Assert.Equal(without.Shape, none.Shape);
        Assert.Equal(request.Shape, ChatRequest.Create([new ChatMessage(ChatRole.User, "Other")], new ChatOptions { Tools = [AIFunctionFactory.Create((int a, int b) => a + b, "add")] }, Defaults).Shape);
    }

    [Fact]
    public void Client_UnsupportedSettingInThrowMode_ThrowsNamingIt()
    {
        using var client = new ClaudeCodeChatClient(
            new ClaudeCodeChatClientOptions { Mode = ClaudeCodeChatMode.OneShot, UnsupportedOptions = UnsupportedChatOptionBehavior.Throw },
            client: new Fakes.NullClaudeClient());

        var error = Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync("Hi", new ChatOptions { Temperature = 0.3f }, TestContext.Current.CancellationToken));

        Assert.Contains("Temperature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_FunctionsInOneShotMode_ThrowNotSupported()
    {
        using var client = new ClaudeCodeChatClient(new ClaudeCodeChatClientOptions { Mode = ClaudeCodeChatMode.OneShot }, client: new Fakes.NullClaudeClient());

        Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync("Hi", new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void GetService_MetadataAndBackends()
    {
        var backend = new Fakes.NullClaudeClient();
        using var client = new ClaudeCodeChatClient(new ClaudeCodeChatClientOptions { Mode = ClaudeCodeChatMode.OneShot, DefaultModelId = "sonnet" }, client: backend);

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("claude-code", metadata?.ProviderName);
        Assert.Equal("sonnet", metadata?.DefaultModelId);
        Assert.Same(backend, client.GetService<Client.IClaudeClient>());
        Assert.Same(client, client.GetService<ClaudeCodeChatClient>());
        Assert.Null(client.GetService<Sessions.ClaudeSessionPool>());
    }
}
