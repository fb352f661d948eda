using System.Text.Json.Nodes;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Testing;

namespace ClaudeOrchestration.Core.Tests.Integration;

/// <summary>The client against the real claude CLI 2.1.330, offline against the scripted Messages API.</summary>
public sealed class ClaudeClientCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_TextReply_ReturnsTextSessionCostAndUsage()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.Enqueue(ScriptedReply.Text("Hello from the script."));

        var result = await claude.Client.RunAsync("Say hello", cancellationToken: Ct);

        Assert.False(result.IsError);
        Assert.Equal("success", result.Subtype);
        Assert.Equal("Hello from the script.", result.Text);
        Assert.True(Guid.TryParse(result.SessionId, out _));
        Assert.Equal(1, result.NumTurns);
        Assert.True(result.TotalCostUsd > 0);
        Assert.True(result.OutputTokens > 0);
        Assert.Equal("completed", result.TerminalReason);
        Assert.IsType<SystemInitMessage>(result.Messages[0]);
        Assert.Contains(claude.Server.Requests, r => r.LatestUserText.Contains("Say hello", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamAsync_BashToolRoundTrip_ToolUseThenToolResultThenFinalText()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.Enqueue(ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "echo bash-round-trip-42", ["description"] = "echo" }));

        var messages = new List<ClaudeMessage>();
        await foreach (var message in claude.Client.StreamAsync("Run the echo", new ClaudeRunOptions { AllowedTools = ["Bash"] }, Ct))
        {
            messages.Add(message);
        }

        var toolUse = messages.OfType<AssistantMessage>().SelectMany(a => a.Content).OfType<ToolUseBlock>().Single();
        Assert.Equal("Bash", toolUse.Name);
        var toolResult = messages.OfType<UserMessage>().SelectMany(u => u.Content).OfType<ToolResultBlock>().Single();
        Assert.Equal(toolUse.Id, toolResult.ToolUseId);
        Assert.Contains("bash-round-trip-42", toolResult.Text, StringComparison.Ordinal);
        var result = Assert.IsType<ResultMessage>(messages[^1]);
        Assert.Contains("bash-round-trip-42", result.Result, StringComparison.Ordinal);
        Assert.Contains(claude.Server.Requests, r => r.ToolResults.Any(t => t.Content.Contains("bash-round-trip-42", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_McpConfigAndJsonSettings_CliReadsThemFromTheirFiles()
    {
        await using var claude = await OfflineClaude.StartAsync();
        var probe = "settings-env-" + Guid.NewGuid().ToString("N")[..8];
        claude.Server.Enqueue(ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "echo $CO_SETTINGS_PROBE", ["description"] = "echo" }));

        var result = await claude.Client.RunAsync(
            "Echo the probe",
            new ClaudeRunOptions
            {
                AllowedTools = ["Bash"],
                StrictMcpConfig = true,
                McpConfig = new JsonObject
                {
                    ["mcpServers"] = new JsonObject
                    {
                        ["unreachable"] = new JsonObject { ["type"] = "http", ["url"] = "http://127.0.0.1:9/mcp", ["headers"] = new JsonObject { ["Authorization"] = "Bearer not-on-argv" } },
                    },
                },
                Settings = $$$"""{"env":{"CO_SETTINGS_PROBE":"{{{probe}}}"}}""",
            },
            Ct);

        var init = result.Messages.OfType<SystemInitMessage>().Single();
        Assert.Contains(init.McpServers, s => s.Name == "unreachable");
        var toolResult = result.Messages.OfType<UserMessage>().SelectMany(u => u.Content).OfType<ToolResultBlock>().Single();
        Assert.Contains(probe, toolResult.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ReadOutsideWorkingDirectory_IsDeniedAndReported()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.Enqueue(ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = "/etc/hostname" }));

        var result = await claude.Client.RunAsync("Read the hostname", cancellationToken: Ct);

        var denial = Assert.Single(result.PermissionDenials);
        Assert.Equal("Read", denial.ToolName);
        Assert.Contains(result.Messages, m => m is PermissionDeniedMessage p && p.ToolName == "Read");
        Assert.Contains(claude.Server.Requests, r => r.ToolResults.Any(t => t.IsError));
    }

    [Fact]
    public async Task RunAsync_MaxTurns_EndsWithErrorMaxTurns()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.When(_ => true, _ => ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "echo again" }));

        var result = await claude.Client.RunAsync("Loop", new ClaudeRunOptions { MaxTurns = 1, AllowedTools = ["Bash"] }, Ct);

        Assert.True(result.IsError);
        Assert.Equal("error_max_turns", result.Subtype);
        Assert.Equal("max_turns", result.TerminalReason);
        Assert.Contains("Reached maximum number of turns (1)", result.Errors);
        var ex = Assert.Throws<ClaudeResultException>(() => result.EnsureSuccess());
        Assert.Contains("error_max_turns", ex.Message);
    }

    [Fact]
    public async Task RunAsync_Budget_EndsWithErrorMaxBudget()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.When(_ => true, _ => ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "echo spend" }).WithUsage(200_000, 20_000));

        var result = await claude.Client.RunAsync("Spend", new ClaudeRunOptions { MaxBudgetUsd = 0.01m, AllowedTools = ["Bash"], MaxTurns = 20 }, Ct);

        Assert.True(result.IsError);
        Assert.Equal("error_max_budget_usd", result.Subtype);
        Assert.Equal("budget_exhausted", result.TerminalReason);
        Assert.True(result.TotalCostUsd >= 0.01m);
    }

    [Fact]
    public async Task RunAsync_JsonSchema_ReturnsStructuredOutput()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.Enqueue(ScriptedReply.StructuredOutput(new JsonObject { ["answer"] = "forty-two", ["confidence"] = 0.9 }));
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number"}},"required":["answer","confidence"]}
            """)!.AsObject();

        var result = await claude.Client.RunAsync("Answer in JSON", new ClaudeRunOptions { JsonSchema = schema }, Ct);

        Assert.False(result.IsError);
        var output = Assert.NotNull(result.StructuredOutput);
        Assert.Equal("forty-two", output.GetProperty("answer").GetString());
        Assert.Equal(0.9, output.GetProperty("confidence").GetDouble());
        Assert.Contains(claude.Server.Requests, r => r.ToolNames.Contains(ScriptedReply.StructuredOutputToolName));
    }

    [Fact]
    public async Task RunAsync_ResumeAndFork_KeepHistoryAndChooseSessionIds()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.Enqueue(ScriptedReply.Text("The secret word is PELICAN."), ScriptedReply.Text("Resumed."), ScriptedReply.Text("Forked."));

        var first = await claude.Client.RunAsync("Remember a word", cancellationToken: Ct);
        var resumed = await claude.Client.RunAsync("What was the word?", new ClaudeRunOptions { Resume = first.SessionId }, Ct);
        var resumeRequest = claude.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("What was the word?", StringComparison.Ordinal));
        var forked = await claude.Client.RunAsync("Fork it", new ClaudeRunOptions { Resume = first.SessionId, ForkSession = true }, Ct);
        var forkRequest = claude.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("Fork it", StringComparison.Ordinal));

        Assert.Equal(first.SessionId, resumed.SessionId);
        Assert.Equal("Resumed.", resumed.Text);
        Assert.Contains("PELICAN", resumeRequest.RawBody, StringComparison.Ordinal);
        Assert.NotEqual(first.SessionId, forked.SessionId);
        Assert.Equal("Forked.", forked.Text);
        Assert.Contains("PELICAN", forkRequest.RawBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ApiError400_IsErrorResultWithStatus()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.Enqueue(ScriptedReply.Error(400, "invalid_request_error", "scripted bad request"));

        var result = await claude.Client.RunAsync("Fail please", cancellationToken: Ct);

        Assert.True(result.IsError, $"{result.Subtype}: {result.Text} / requests: {string.Join(" | ", claude.Server.Requests)}");
        Assert.Equal(400, result.ApiErrorStatus);
        Assert.Equal("api_error", result.TerminalReason);
        Assert.Contains("scripted bad request", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownResumeId_FailsClearly()
    {
        await using var claude = await OfflineClaude.StartAsync();

        var result = await claude.Client.RunAsync("hi", new ClaudeRunOptions { Resume = Guid.NewGuid().ToString() }, Ct);

        Assert.True(result.IsError);
        Assert.Equal("error_during_execution", result.Subtype);
    }

    [Fact]
    public async Task StreamAsync_CancelledMidRun_ThrowsAndLeavesNoProcess()
    {
        await using var claude = await OfflineClaude.StartAsync();
        claude.Server.Enqueue(ScriptedReply.Text("too late").WithDelay(TimeSpan.FromMinutes(2)));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        int? pid = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var message in claude.Client.StreamAsync("Take your time", cancellationToken: cts.Token))
            {
                if (message is SystemInitMessage)
                {
                    pid = Assert.Single(claude.Client.Tasks.Active).ProcessId;
                    await cts.CancelAsync();
                }
            }
        });

        Assert.NotNull(pid);
        Assert.False(Client.ClaudeClientTransportTests.IsAlive(pid.Value), "the claude process outlived its cancelled task");
        Assert.Empty(claude.Client.Tasks.Active);
    }
}
