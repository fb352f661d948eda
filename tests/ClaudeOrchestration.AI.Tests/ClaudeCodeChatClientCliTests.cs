using System.Diagnostics;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.AI.Tests;

/// <summary>The chat client against the real claude CLI, offline against the scripted Messages API.</summary>
public sealed class ClaudeCodeChatClientCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_PlainText_TextUsageCostFinishReasonAndMappedOptions()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Hello from Claude Code.").WithUsage(1200, 80));
        using var client = env.CreateClient();

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "SYSTEM-MARKER-5512"), new ChatMessage(ChatRole.User, "Say hello")],
            new ChatOptions { Instructions = "INSTRUCTIONS-MARKER-9031", ModelId = "claude-sonnet-4-5", Temperature = 0.2f },
            Ct);

        Assert.Equal("Hello from Claude Code.", response.Text);
        Assert.True(Guid.TryParse(response.ConversationId, out _));
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.NotNull(response.Usage);
        Assert.Equal(1200, response.Usage.InputTokenCount);
        Assert.Equal(80, response.Usage.OutputTokenCount);
        Assert.Equal(1280, response.Usage.TotalTokenCount);
        Assert.Equal(0, response.Usage.CachedInputTokenCount);
        Assert.Equal(1, response.AdditionalProperties![ClaudeCodeChatProperties.NumTurns]);
        Assert.IsType<decimal>(response.AdditionalProperties[ClaudeCodeChatProperties.TotalCostUsd]);
        Assert.Equal("completed", response.AdditionalProperties[ClaudeCodeChatProperties.TerminalReason]);
        var turn = Assert.Single(env.Server.Requests, r => !r.IsSideCall);
        Assert.Equal("Say hello", turn.LatestUserText);
        Assert.Equal("claude-sonnet-4-5", turn.Model);
        Assert.Equal(response.ConversationId, turn.SessionId);
        Assert.Contains("SYSTEM-MARKER-5512", turn.SystemText, StringComparison.Ordinal);
        Assert.Contains("INSTRUCTIONS-MARKER-9031", turn.SystemText, StringComparison.Ordinal);
        var session = Assert.IsType<ClaudeSession>(client.GetService(typeof(ClaudeSession), response.ConversationId));
        Assert.Equal(response.ConversationId, session.SessionId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TextDeltasInOrderThenTheResult()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Alpha beta gamma delta epsilon.").WithUsage(300, 40));
        using var client = env.CreateClient();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Stream please", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        var textUpdates = updates.Where(u => u.Contents.OfType<TextContent>().Any()).ToList();
        Assert.True(textUpdates.Count >= 2, $"expected several deltas, got {textUpdates.Count}");
        Assert.Equal("Alpha beta gamma delta epsilon.", string.Concat(textUpdates.Select(u => u.Text)));
        Assert.All(textUpdates, u => Assert.IsType<Messages.StreamEventMessage>(u.RawRepresentation));
        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        Assert.IsType<Messages.ResultMessage>(last.RawRepresentation);
        Assert.True(updates.IndexOf(textUpdates[^1]) < updates.Count - 1);
        var usage = Assert.Single(last.Contents.OfType<UsageContent>()).Details;
        Assert.Equal(300, usage.InputTokenCount);
        Assert.Equal(40, usage.OutputTokenCount);
        Assert.All(updates, u => Assert.Equal(updates[0].ConversationId, u.ConversationId));

        var response = updates.ToChatResponse();
        Assert.Equal("Alpha beta gamma delta epsilon.", response.Text);
        Assert.Equal(300, response.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsyncOfT_JsonSchema_StructuredOutputDeserialised()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.StructuredOutput(new JsonObject { ["city"] = "Lisbon", ["temperatureC"] = 21 }));
        using var client = env.CreateClient();

        var response = await client.GetResponseAsync<Forecast>("Weather in Lisbon?", cancellationToken: Ct);

        Assert.Equal(new Forecast { City = "Lisbon", TemperatureC = 21 }, response.Result);
        Assert.Contains(env.Server.Requests, r => !r.IsSideCall && r.ToolNames.Contains(ScriptedReply.StructuredOutputToolName));
        Assert.True(response.AdditionalProperties!.ContainsKey(ClaudeCodeChatProperties.StructuredOutput));
    }

    [Fact]
    public async Task Tools_AIFunction_CalledByTheCliOnceAndItsResultReachesTheModel()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(
            ScriptedReply.ToolUse("mcp__host__get_order_status", new JsonObject { ["orderId"] = "A-17" }),
            ScriptedReply.Text("Order A-17 has shipped."));
        var calls = new List<string>();
        var function = AIFunctionFactory.Create(
            (string orderId) =>
            {
                lock (calls)
                {
                    calls.Add(orderId);
                }

                return $"Order {orderId}: SHIPPED-4471";
            },
            "get_order_status",
            "Looks up an order's status.");

        // Function-invocation middleware in front must leave the CLI's (informational) calls alone.
        using var client = new ChatClientBuilder(env.CreateClient()).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync("Where is order A-17?", new ChatOptions { Tools = [function] }, Ct);

        Assert.Equal(["A-17"], calls);
        Assert.Contains(env.Server.Requests, r => r.ToolResults.Any(t => !t.IsError && t.Content.Contains("SHIPPED-4471", StringComparison.Ordinal)));
        Assert.Equal("Order A-17 has shipped.", response.Text);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.True(call.InformationalOnly);
        Assert.Equal("mcp__host__get_order_status", call.Name);
        Assert.Equal("A-17", call.Arguments!["orderId"]!.ToString());
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Contains("SHIPPED-4471", result.Result?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConversationId_SecondCall_ResumesOnTheWarmSessionAndAfterARestart()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Noted."), ScriptedReply.Text("It was ALBATROSS."), ScriptedReply.Text("Still ALBATROSS."));
        using var client = env.CreateClient();

        var first = await client.GetResponseAsync("Remember ALBATROSS-2219", cancellationToken: Ct);
        var pid = Assert.IsType<ClaudeSession>(client.GetService(typeof(ClaudeSession), first.ConversationId)).ProcessId;
        var second = await client.GetResponseAsync("What did I ask you to remember?", new ChatOptions { ConversationId = first.ConversationId }, Ct);

        Assert.Equal(first.ConversationId, second.ConversationId);
        Assert.Equal(pid, Assert.IsType<ClaudeSession>(client.GetService(typeof(ClaudeSession), second.ConversationId)).ProcessId);
        var secondRequest = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("What did I ask", StringComparison.Ordinal));
        Assert.Contains("ALBATROSS-2219", secondRequest.RawBody, StringComparison.Ordinal);

        // A host that restarted has a new pool and client: the conversation resumes from its transcript (--resume).
        using var restarted = env.CreateClient();
        var third = await restarted.GetResponseAsync("And now?", new ChatOptions { ConversationId = first.ConversationId }, Ct);
        Assert.Equal(first.ConversationId, third.ConversationId);
        var thirdRequest = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("And now?", StringComparison.Ordinal));
        Assert.Contains("ALBATROSS-2219", thirdRequest.RawBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConversationId_OneShotMode_ResumesWithResume()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Noted."), ScriptedReply.Text("It was PELICAN."));
        using var client = env.CreateClient(o => o.Mode = ClaudeCodeChatMode.OneShot);

        var first = await client.GetResponseAsync("Remember PELICAN-6120", cancellationToken: Ct);
        var second = await client.GetResponseAsync("What was it?", new ChatOptions { ConversationId = first.ConversationId }, Ct);

        Assert.Equal("It was PELICAN.", second.Text);
        Assert.Equal(first.ConversationId, second.ConversationId);
        var secondRequest = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("What was it?", StringComparison.Ordinal));
        Assert.Contains("PELICAN-6120", secondRequest.RawBody, StringComparison.Ordinal);
        Assert.Empty(env.LiveProcesses());
    }

    [Fact]
    public async Task Cancellation_OneShot_ThrowsAndLeavesNoProcess()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("never delivered").WithDelay(TimeSpan.FromMinutes(10)));
        using var client = env.CreateClient(o => o.Mode = ClaudeCodeChatMode.OneShot);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = client.GetResponseAsync("SLOW please", cancellationToken: cts.Token);
        await env.Server.WaitForRequestAsync(r => !r.IsSideCall && r.LatestUserText.Contains("SLOW please", StringComparison.Ordinal), Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Empty(env.LiveProcesses());
    }

    [Fact]
    public async Task Cancellation_Session_ThrowsSessionStaysUsableAndDisposeLeavesNoProcess()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("never delivered").WithDelay(TimeSpan.FromMinutes(10)), ScriptedReply.Text("Still here."));
        var pool = env.CreatePool();
        var client = env.CreateClient(pool: pool);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var updates = new List<ChatResponseUpdate>();
        var call = Task.Run(
            async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync("SLOW please", cancellationToken: cts.Token))
                {
                    updates.Add(update);
                }
            },
            Ct);
        var request = await env.Server.WaitForRequestAsync(r => !r.IsSideCall && r.LatestUserText.Contains("SLOW please", StringComparison.Ordinal), Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var next = await client.GetResponseAsync("Are you there?", new ChatOptions { ConversationId = request.SessionId }, Ct);
        Assert.Equal("Still here.", next.Text);
        Assert.Single(env.LiveProcesses());

        client.Dispose();
        Assert.Equal(0, pool.Count);
        Assert.Empty(env.LiveProcesses());
    }

    [Fact]
    public async Task UseOpenTelemetry_ItsSpanWrapsOursAndOursWrapsTheSessionTurn()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Traced."));
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "ClaudeOrchestration-AI-Tests" or ClaudeCodeChatTelemetry.SourceName or Diagnostics.ClaudeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var client = new ChatClientBuilder(env.CreateClient()).UseOpenTelemetry(sourceName: "ClaudeOrchestration-AI-Tests").Build();

        var response = await client.GetResponseAsync("Trace me", cancellationToken: Ct);

        Activity[] spans;
        lock (stopped)
        {
            spans = [.. stopped];
        }

        var outer = Assert.Single(spans, a => a.Source.Name == "ClaudeOrchestration-AI-Tests");
        var chat = Assert.Single(spans, a => a.OperationName == "claude.chat" && a.TraceId == outer.TraceId);
        var turn = Assert.Single(spans, a => a.OperationName == "claude.session.turn" && a.TraceId == outer.TraceId);
        Assert.Equal(outer.SpanId, chat.ParentSpanId);
        Assert.Equal(chat.SpanId, turn.ParentSpanId);
        Assert.Equal(response.ConversationId, chat.GetTagItem("gen_ai.conversation.id"));
        Assert.Equal("claude-code", outer.GetTagItem("gen_ai.provider.name") ?? outer.GetTagItem("gen_ai.system"));
    }

    internal sealed record Forecast
    {
        public string? City { get; init; }

        public int TemperatureC { get; init; }
    }
}
