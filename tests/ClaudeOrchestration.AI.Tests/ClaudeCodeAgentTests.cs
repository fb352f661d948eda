using ClaudeOrchestration.Testing;
using Microsoft.Agents.AI;

namespace ClaudeOrchestration.AI.Tests;

public sealed class ClaudeCodeAgentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AsClaudeCodeAgent_TwoRunsOnOneAgentSession_ContinueOneClaudeConversation()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Noted the codeword."), ScriptedReply.Text("The codeword was HERON."));
        var agent = env.CreateClient().AsClaudeCodeAgent(name: "coder", instructions: "AGENT-INSTRUCTIONS-4410");
        var session = await agent.CreateSessionAsync(Ct);

        var first = await agent.RunAsync("Remember HERON-8841", session, cancellationToken: Ct);
        var second = await agent.RunAsync("What was the codeword?", session, cancellationToken: Ct);

        Assert.Equal("Noted the codeword.", first.Text);
        Assert.Equal("The codeword was HERON.", second.Text);
        var conversationId = Assert.IsType<ChatClientAgentSession>(session).ConversationId;
        Assert.True(Guid.TryParse(conversationId, out _));
        var secondRequest = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("What was the codeword?", StringComparison.Ordinal));
        Assert.Equal(conversationId, secondRequest.SessionId);
        Assert.Contains("HERON-8841", secondRequest.RawBody, StringComparison.Ordinal);
        Assert.Contains("AGENT-INSTRUCTIONS-4410", secondRequest.SystemText, StringComparison.Ordinal);
        Assert.Equal("What was the codeword?", secondRequest.LatestUserText);
    }

    [Fact]
    public void AsClaudeCodeAgent_OtherChatClient_Throws()
    {
        using var other = new Microsoft.Extensions.AI.ChatClientBuilder(new ClaudeCodeChatClient(
            new ClaudeCodeChatClientOptions { Mode = ClaudeCodeChatMode.OneShot }, client: new Fakes.NullClaudeClient())).Build();

        Assert.NotNull(other.AsClaudeCodeAgent());
        Assert.Throws<ArgumentException>(() => new Fakes.NotClaude().AsClaudeCodeAgent());
    }
}
