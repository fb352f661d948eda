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

/// <summary>A Claude Code agent and a second agent in a Microsoft Agent Framework workflow, against the real CLI.</summary>
public sealed class ClaudeCodeWorkflowTests
{
    [Fact]
    public async Task SequentialWorkflow_CoderCallsAHostFunctionAndTheReviewerSeesItsAnswer()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.When(
            r => r.HasToolResults && r.ToolResults[^1].Content.Contains("T-42", StringComparison.Ordinal),
            _ => ScriptedReply.Text("Fix for T-42: trim the name."));
        env.Server.When(
            r => r.LatestUserText.Contains("Fix for T-42", StringComparison.Ordinal),
            _ => ScriptedReply.Text("Approved."));
        env.Server.When(
            r => r.LatestUserText.Contains("ticket T-42", StringComparison.Ordinal) && !r.HasToolResults,
            _ => ScriptedReply.ToolUse("mcp__host__get_ticket", new System.Text.Json.Nodes.JsonObject { ["id"] = "T-42" }));
        var calls = 0;
        var getTicket = Microsoft.Extensions.AI.AIFunctionFactory.Create(
            (string id) =>
            {
                Interlocked.Increment(ref calls);
                return $"{id}: extra spaces";
            },
            "get_ticket");
        var coder = env.CreateClient(o => o.RunOptions = new ClaudeRunOptions { Tools = [] }).AsClaudeCodeAgent("coder", tools: [getTicket]);
        var reviewer = env.CreateClient(o =>
        {
            o.Mode = ClaudeCodeChatMode.OneShot;
            o.RunOptions = new ClaudeRunOptions { Tools = ["Read"] };
        }).AsClaudeCodeAgent("reviewer");
        var workflow = Microsoft.Agents.AI.Workflows.AgentWorkflowBuilder.BuildSequential("review", [coder, reviewer]);

        List<Microsoft.Extensions.AI.ChatMessage>? output = null;
        await using (var run = await Microsoft.Agents.AI.Workflows.InProcessExecution.RunStreamingAsync(
            workflow, new List<Microsoft.Extensions.AI.ChatMessage> { new(Microsoft.Extensions.AI.ChatRole.User, "Please handle ticket T-42.") }, cancellationToken: TestContext.Current.CancellationToken))
        {
            await run.TrySendMessageAsync(new Microsoft.Agents.AI.Workflows.TurnToken(emitEvents: false));
            await foreach (var evt in run.WatchStreamAsync(TestContext.Current.CancellationToken))
            {
                if (evt is Microsoft.Agents.AI.Workflows.WorkflowOutputEvent done)
                {
                    output = done.As<List<Microsoft.Extensions.AI.ChatMessage>>();
                }
            }
        }

        Assert.Equal(1, calls);
        Assert.NotNull(output);
        Assert.Contains(output, m => m.AuthorName == "coder" && m.Text.Contains("Fix for T-42", StringComparison.Ordinal));
        Assert.Equal("Approved.", output[^1].Text);
        Assert.Equal("reviewer", output[^1].AuthorName);
        Assert.DoesNotContain(env.Server.Requests, r => r.ReplySource == ReplySource.Default && !r.IsSideCall);
    }
}
