using System.Text.Json.Nodes;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>Sessions against the real claude CLI 2.1.330, offline against the scripted Messages API.</summary>
public sealed class ClaudeSessionCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_ThreeTurns_OneProcessOneSessionIdAndHistoryGrows()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("First answer."), ScriptedReply.Text("Second answer."), ScriptedReply.Text("Third answer."));
        await using var session = await env.StartSessionAsync();
        var pid = session.ProcessId;
        var sessionId = session.SessionId;

        var first = await CollectAsync(session.SendAsync("remember ALBATROSS", Ct));
        var second = await CollectAsync(session.SendAsync("second question", Ct));
        var third = await session.RunAsync("third question", Ct);

        Assert.Equal("First answer.", Assert.IsType<ResultMessage>(first[^1]).Result);
        Assert.Equal("Second answer.", Assert.IsType<ResultMessage>(second[^1]).Result);
        Assert.Equal("Third answer.", third.Text);
        Assert.Single(first.OfType<ResultMessage>());
        Assert.IsType<SystemInitMessage>(first.First(m => m is SystemMessage));
        Assert.Equal(pid, session.ProcessId);
        Assert.Equal(pid, Assert.Single(env.LiveProcesses()));
        Assert.True(Guid.TryParse(sessionId, out _));
        Assert.Equal(sessionId, third.SessionId);
        Assert.All(first.Concat(second).OfType<ResultMessage>(), r => Assert.Equal(sessionId, r.SessionId));
        var thirdRequest = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("third question", StringComparison.Ordinal));
        Assert.Contains("ALBATROSS", thirdRequest.RawBody, StringComparison.Ordinal);
        Assert.Equal(ClaudeSessionState.Idle, session.State);
    }

    [Fact]
    public async Task ForkAsync_AfterATurn_NewProcessAndSessionIdWithTheHistoryWhileTheOriginalGoesOn()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Noted."), ScriptedReply.Text("Fork answer."), ScriptedReply.Text("Original answer."));
        await using var original = await env.StartSessionAsync();
        await original.RunAsync("remember PELICAN-3318", Ct);

        await using var fork = await original.ForkAsync(Ct);
        var forkTurn = await fork.RunAsync("fork question", Ct);
        var originalTurn = await original.RunAsync("original question", Ct);

        Assert.Equal("Fork answer.", forkTurn.Text);
        Assert.Equal("Original answer.", originalTurn.Text);
        Assert.NotEqual(original.ProcessId, fork.ProcessId);
        Assert.NotEqual(original.SessionId, fork.SessionId);
        Assert.Equal(fork.SessionId, forkTurn.SessionId);
        Assert.Equal(original.SessionId, originalTurn.SessionId);
        var forkRequest = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("fork question", StringComparison.Ordinal));
        Assert.Contains("PELICAN-3318", forkRequest.RawBody, StringComparison.Ordinal);
        var originalRequest = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("original question", StringComparison.Ordinal));
        Assert.DoesNotContain("fork question", originalRequest.RawBody, StringComparison.Ordinal);
        Assert.Equal(2, env.LiveProcesses().Count);
    }

    [Fact]
    public async Task InterruptAsync_DuringSlowReply_EndsTurnAbortedAndNextTurnWorks()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("never delivered").WithDelay(TimeSpan.FromMinutes(10)), ScriptedReply.Text("After the interrupt."));
        await using var session = await env.StartSessionAsync();

        var turn = CollectAsync(session.SendAsync("SLOW please", Ct));
        await env.Server.WaitForRequestAsync(r => !r.IsSideCall && r.LatestUserText.Contains("SLOW please", StringComparison.Ordinal), Ct);
        var receipt = await session.InterruptAsync(Ct);
        var messages = await turn;

        Assert.Empty(receipt.StillQueued);
        var result = Assert.IsType<ResultMessage>(messages[^1]);
        Assert.Equal("error_during_execution", result.Subtype);
        Assert.Equal("aborted_streaming", result.TerminalReason);
        var next = await session.RunAsync("hello again", Ct);
        Assert.Equal("After the interrupt.", next.Text);
        Assert.Equal(ClaudeSessionState.Idle, session.State);

        // The CLI merged the cut-off prompt into the next user message: LatestUserText still has it, NewestUserText does not.
        var after = env.Server.Requests.Last(r => !r.IsSideCall);
        Assert.Contains("SLOW please", after.LatestUserText, StringComparison.Ordinal);
        Assert.Equal("hello again", after.NewestUserText);
    }

    [Fact]
    public async Task SendAsync_CancelledDuringSlowReply_InterruptsThrowsAndSessionStaysUsable()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("never delivered").WithDelay(TimeSpan.FromMinutes(10)), ScriptedReply.Text("Still here."));
        await using var session = await env.StartSessionAsync();
        var pid = session.ProcessId;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var turn = CollectAsync(session.SendAsync("SLOW please", cts.Token));
        await env.Server.WaitForRequestAsync(r => !r.IsSideCall && r.LatestUserText.Contains("SLOW please", StringComparison.Ordinal), Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAsync<ClaudeTurnCanceledException>(() => turn);
        var next = await session.RunAsync("are you there", Ct);
        Assert.Equal("Still here.", next.Text);
        Assert.Equal(pid, session.ProcessId);
        Assert.Equal(ClaudeSessionState.Idle, session.State);
    }

    [Fact]
    public async Task RunAsync_CancelledAfterAPaidModelCall_ThrowsTurnCanceledWithTheTurnsCostAndUsage()
    {
        await using var env = await OfflineSessions.StartAsync();
        var notes = Path.Combine(env.WorkingDirectory, "notes.txt");
        await File.WriteAllTextAsync(notes, "NOTES-4471", Ct);
        env.Server.Enqueue(
            ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = notes }).WithUsage(1000, 500),
            ScriptedReply.Text("never delivered").WithDelay(TimeSpan.FromMinutes(10)),
            ScriptedReply.Text("Still here."));
        await using var session = await env.StartSessionAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var turn = session.RunAsync("read the notes", cts.Token);
        await env.Server.WaitForRequestAsync(r => !r.IsSideCall && r.RawBody.Contains("NOTES-4471", StringComparison.Ordinal), Ct);
        await cts.CancelAsync();

        var canceled = await Assert.ThrowsAsync<ClaudeTurnCanceledException>(() => turn);
        var result = Assert.IsType<ResultMessage>(canceled.Result);
        Assert.Equal("error_during_execution", result.Subtype);
        Assert.True(canceled.TotalCostUsd > 0, $"cost {canceled.TotalCostUsd}");
        Assert.NotNull(canceled.Usage);
        Assert.True(canceled.Usage.OutputTokens >= 500, $"output tokens {canceled.Usage.OutputTokens}");
        Assert.Equal(canceled.TotalCostUsd, canceled.RunResult!.TotalCostUsd);
        Assert.Equal(cts.Token, canceled.CancellationToken);
        Assert.Equal("Still here.", (await session.RunAsync("are you there", Ct)).Text);
    }

    [Fact]
    public async Task CanUseTool_Allow_ToolRunsWithUpdatedInput()
    {
        await using var env = await OfflineSessions.StartAsync();
        using var outside = new TestUtilities.TempDirectory();
        var marker = Path.Combine(outside.FullPath, "marker.txt");
        await File.WriteAllTextAsync(marker, "MARKER-CONTENT-7781", Ct);
        env.Server.Enqueue(ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = "/etc/hostname" }));
        var asked = new List<ClaudeToolPermissionRequest>();
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            CanUseTool = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add(request);
                }

                return ValueTask.FromResult(ClaudePermissionResult.Allow(new JsonObject { ["file_path"] = marker }));
            },
        });

        var result = await session.RunAsync("Read the hostname", Ct);

        var request = Assert.Single(asked);
        Assert.Equal("Read", request.ToolName);
        Assert.Equal("/etc/hostname", request.Input.GetProperty("file_path").GetString());
        Assert.NotNull(request.ToolUseId);
        Assert.Empty(result.PermissionDenials);
        var toolResult = result.Messages.OfType<UserMessage>().SelectMany(u => u.Content).OfType<ToolResultBlock>().Single();
        Assert.False(toolResult.IsError);
        Assert.Contains("MARKER-CONTENT-7781", toolResult.Text, StringComparison.Ordinal);
        Assert.Contains(env.Server.Requests, r => r.ToolResults.Any(t => t.Content.Contains("MARKER-CONTENT-7781", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CanUseTool_Deny_ToolErrorsAndResultListsDenial()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = "/etc/hostname" }));
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            CanUseTool = (_, _) => ValueTask.FromResult(ClaudePermissionResult.Deny("No reading outside the repo.")),
        });

        var result = await session.RunAsync("Read the hostname", Ct);

        var denial = Assert.Single(result.PermissionDenials);
        Assert.Equal("Read", denial.ToolName);
        var toolResult = result.Messages.OfType<UserMessage>().SelectMany(u => u.Content).OfType<ToolResultBlock>().Single();
        Assert.True(toolResult.IsError);
        Assert.Contains("No reading outside the repo.", toolResult.Text, StringComparison.Ordinal);
        Assert.Contains(env.Server.Requests, r => r.ToolResults.Any(t => t.IsError && t.Content.Contains("No reading outside the repo.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Hooks_PreToolUseDeny_BlocksTheTool()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "echo should-not-run-5531", ["description"] = "echo" }));
        var seen = new List<ClaudeHookInput>();
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            RunOptions = new ClaudeRunOptions { AllowedTools = ["Bash"] },
            Hooks =
            [
                new ClaudeHookMatcher
                {
                    Event = ClaudeHookEvents.PreToolUse,
                    Matcher = "Bash",
                    Callbacks =
                    [
                        (input, _) =>
                        {
                            lock (seen)
                            {
                                seen.Add(input);
                            }

                            return ValueTask.FromResult(ClaudeHookOutput.DenyTool("Bash is blocked by policy 42."));
                        },
                    ],
                },
            ],
        });

        var result = await session.RunAsync("Run the echo", Ct);

        var input = Assert.Single(seen);
        Assert.Equal("PreToolUse", input.EventName);
        Assert.Equal("Bash", input.ToolName);
        Assert.Equal("echo should-not-run-5531", input.ToolInput!.Value.GetProperty("command").GetString());
        var toolResult = result.Messages.OfType<UserMessage>().SelectMany(u => u.Content).OfType<ToolResultBlock>().Single();
        Assert.True(toolResult.IsError);
        Assert.Contains("Bash is blocked by policy 42.", toolResult.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(env.Server.Requests, r => r.ToolResults.Any(t => t.Content.Contains("should-not-run-5531", StringComparison.Ordinal) && !t.IsError));
    }

    [Fact]
    public async Task Hooks_PreToolUseRewrite_ToolRunsWithRewrittenInput()
    {
        await using var env = await OfflineSessions.StartAsync();
        var original = Path.Combine(env.WorkingDirectory, "original.txt");
        var rewritten = Path.Combine(env.WorkingDirectory, "rewritten.txt");
        await File.WriteAllTextAsync(original, "ORIGINAL-CONTENT", Ct);
        await File.WriteAllTextAsync(rewritten, "REWRITTEN-BY-HOOK-9917", Ct);
        env.Server.Enqueue(ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = original }));
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            Hooks =
            [
                new ClaudeHookMatcher
                {
                    Event = ClaudeHookEvents.PreToolUse,
                    Matcher = "Read",
                    Timeout = TimeSpan.FromSeconds(30),
                    Callbacks = [(_, _) => ValueTask.FromResult(ClaudeHookOutput.RewriteToolInput(new JsonObject { ["file_path"] = rewritten }))],
                },
            ],
        });

        var result = await session.RunAsync("Read the file", Ct);

        var toolResult = result.Messages.OfType<UserMessage>().SelectMany(u => u.Content).OfType<ToolResultBlock>().Single();
        Assert.False(toolResult.IsError, toolResult.Text);
        Assert.Contains("REWRITTEN-BY-HOOK-9917", toolResult.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ORIGINAL-CONTENT", toolResult.Text, StringComparison.Ordinal);
        var next = env.Server.Requests.Last(r => r.HasToolResults);
        Assert.Contains("REWRITTEN-BY-HOOK-9917", Assert.Single(next.ToolResults).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hooks_LifecycleEvents_FireWithMatchersAndTheirContextReachesTheModel()
    {
        await using var env = await OfflineSessions.StartAsync();
        var file = Path.Combine(env.WorkingDirectory, "notes.txt");
        await File.WriteAllTextAsync(file, "NOTES-CONTENT", Ct);
        env.Server.Enqueue(ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = file }), ScriptedReply.Text("Read it."));
        var fired = new List<string>();
        ClaudeHookCallback Record(string label, ClaudeHookOutput output) => (input, _) =>
        {
            lock (fired)
            {
                fired.Add($"{label}:{input.EventName}:{input.ToolName}");
            }

            return ValueTask.FromResult(output);
        };
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            Hooks =
            [
                new ClaudeHookMatcher { Event = ClaudeHookEvents.UserPromptSubmit, Callbacks = [Record("prompt", ClaudeHookOutput.AddContext(ClaudeHookEvents.UserPromptSubmit, "PROMPT-CONTEXT-7781"))] },
                new ClaudeHookMatcher { Event = ClaudeHookEvents.PreToolUse, Matcher = "Bash", Callbacks = [Record("bash-only", ClaudeHookOutput.Continue)] },
                new ClaudeHookMatcher { Event = ClaudeHookEvents.PreToolUse, Matcher = "Read|Write", Callbacks = [Record("pre", ClaudeHookOutput.Continue)] },
                new ClaudeHookMatcher { Event = ClaudeHookEvents.PostToolUse, Callbacks = [Record("post", ClaudeHookOutput.AddContext(ClaudeHookEvents.PostToolUse, "POST-CONTEXT-4410"))] },
                new ClaudeHookMatcher { Event = ClaudeHookEvents.Stop, Callbacks = [Record("stop", ClaudeHookOutput.Continue)] },
            ],
        });

        var result = await session.RunAsync("Read the notes", Ct);

        Assert.Equal("Read it.", result.Text);
        Assert.Equal(["prompt:UserPromptSubmit:", "pre:PreToolUse:Read", "post:PostToolUse:Read", "stop:Stop:"], fired);
        var turnRequests = env.Server.Requests.Where(r => !r.IsSideCall).ToList();
        Assert.Contains("PROMPT-CONTEXT-7781", turnRequests[0].RawBody, StringComparison.Ordinal);
        Assert.DoesNotContain("POST-CONTEXT-4410", turnRequests[0].RawBody, StringComparison.Ordinal);
        Assert.Contains("POST-CONTEXT-4410", turnRequests.Single(r => r.HasToolResults).RawBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetModelAsync_NextRequestUsesNewModel()
    {
        await using var env = await OfflineSessions.StartAsync();
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions { RunOptions = new ClaudeRunOptions { Model = "claude-opus-4-5" } });
        await session.RunAsync("first", Ct);

        var reported = await session.SetModelAsync("claude-sonnet-4-5", Ct);
        var second = await session.RunAsync("second", Ct);

        Assert.Equal("claude-sonnet-4-5", reported);
        Assert.Equal("claude-opus-4-5", env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("first", StringComparison.Ordinal)).Model);
        Assert.Equal("claude-sonnet-4-5", env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("second", StringComparison.Ordinal)).Model);
        Assert.Equal("claude-sonnet-4-5", second.Messages.OfType<SystemInitMessage>().Single().Model);
    }

    [Fact]
    public async Task SetPermissionModeAsync_AcceptEdits_WriteInCwdNoLongerAsks()
    {
        await using var env = await OfflineSessions.StartAsync();
        var first = Path.Combine(env.WorkingDirectory, "first.txt");
        var second = Path.Combine(env.WorkingDirectory, "second.txt");
        env.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("write first", StringComparison.Ordinal),
            ScriptedReply.ToolUse("Write", new JsonObject { ["file_path"] = first, ["content"] = "one" }));
        env.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("write second", StringComparison.Ordinal),
            ScriptedReply.ToolUse("Write", new JsonObject { ["file_path"] = second, ["content"] = "two" }));
        var asked = new List<string>();
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            CanUseTool = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add(request.Input.GetProperty("file_path").GetString()!);
                }

                return ValueTask.FromResult(ClaudePermissionResult.Deny("not in default mode"));
            },
        });

        var before = await session.RunAsync("write first", Ct);
        await session.SetPermissionModeAsync(ClaudePermissionMode.AcceptEdits, Ct);
        var after = await session.RunAsync("write second", Ct);

        Assert.Equal([first], asked);
        Assert.Single(before.PermissionDenials);
        Assert.False(File.Exists(first));
        Assert.Empty(after.PermissionDenials);
        Assert.Equal("two", await File.ReadAllTextAsync(second, Ct));
        Assert.Equal("acceptEdits", after.Messages.OfType<SystemInitMessage>().Single().PermissionMode);
    }

    [Fact]
    public async Task SdkMcpServer_CliCallsInProcessTool_ResultInTranscript()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.ToolUse("mcp__calc__add", new JsonObject { ["a"] = 2, ["b"] = 3 }));
        var server = new AddingMcpServer();
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            SdkMcpServers = [server],
            RunOptions = new ClaudeRunOptions { AllowedTools = ["mcp__calc__add"] },
        });

        var result = await session.RunAsync("add two and three", Ct);

        Assert.Contains("initialize", server.Methods);
        Assert.Contains("tools/call", server.Methods);
        var init = result.Messages.OfType<SystemInitMessage>().Single();
        Assert.Contains(init.McpServers, s => s.Name == "calc" && s.Status == "connected");
        var toolResult = result.Messages.OfType<UserMessage>().SelectMany(u => u.Content).OfType<ToolResultBlock>().Single();
        Assert.False(toolResult.IsError, toolResult.Text);
        Assert.Equal("sum=5", toolResult.Text);
        Assert.Contains(env.Server.Requests, r => r.ToolResults.Any(t => t.Content.Contains("sum=5", StringComparison.Ordinal)));
        var status = await session.GetMcpStatusAsync(Ct);
        Assert.Contains(status, s => s.Name == "calc" && s.Tools.Contains("add"));
    }

    [Fact]
    public async Task RuntimeControls_McpToggleReconnectContextUsageAndEscapeHatch_AnsweredByTheCli()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Warm."), ScriptedReply.Text("Again."));
        await using var session = await env.StartSessionAsync(new ClaudeSessionOptions { SdkMcpServers = [new AddingMcpServer()] });
        await session.RunAsync("warm up", Ct);

        await session.ToggleMcpServerAsync("calc", enabled: false, Ct);
        var disabled = Assert.Single(await session.GetMcpStatusAsync(Ct), s => s.Name == "calc");
        var refused = await Assert.ThrowsAsync<ClaudeControlException>(() => session.ReconnectMcpServerAsync("calc", Ct));
        await session.ToggleMcpServerAsync("calc", enabled: true, Ct);
        var enabled = Assert.Single(await session.GetMcpStatusAsync(Ct), s => s.Name == "calc");
        var usage = await session.GetContextUsageAsync(Ct);
        var version = await session.SendControlRequestAsync("get_binary_version", cancellationToken: Ct);
        var unknown = await Assert.ThrowsAsync<ClaudeControlException>(() => session.SendControlRequestAsync("no_such_request", cancellationToken: Ct));

        Assert.Equal("disabled", disabled.Status);
        Assert.Equal("mcp_reconnect", refused.RequestSubtype);
        Assert.Contains("disabled", refused.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("connected", enabled.Status);
        Assert.Contains("add", enabled.Tools);
        Assert.NotEmpty(usage.Categories);
        Assert.Contains(usage.Categories, c => c.Tokens > 0);
        Assert.Equal("2.1.330", version!.Value.GetProperty("version").GetString());
        Assert.Equal("no_such_request", unknown.RequestSubtype);
        Assert.Equal(ClaudeSessionState.Idle, session.State);
        Assert.Equal("Again.", (await session.RunAsync("still working?", Ct)).Text);
    }

    private static async Task<List<ClaudeMessage>> CollectAsync(IAsyncEnumerable<ClaudeMessage> messages)
    {
        var list = new List<ClaudeMessage>();
        await foreach (var message in messages)
        {
            list.Add(message);
        }

        return list;
    }

    /// <summary>A minimal hand-written MCP server (JSON-RPC by hand) with one tool, <c>add</c>.</summary>
    private sealed class AddingMcpServer : IClaudeSdkMcpServer
    {
        public string Name => "calc";

        public List<string> Methods { get; } = [];

        public ValueTask<System.Text.Json.JsonElement?> HandleMessageAsync(System.Text.Json.JsonElement jsonRpcMessage, CancellationToken cancellationToken)
        {
            var method = jsonRpcMessage.GetProperty("method").GetString()!;
            lock (Methods)
            {
                Methods.Add(method);
            }

            if (!jsonRpcMessage.TryGetProperty("id", out var id))
            {
                return ValueTask.FromResult<System.Text.Json.JsonElement?>(null);
            }

            JsonNode result = method switch
            {
                "initialize" => new JsonObject
                {
                    ["protocolVersion"] = jsonRpcMessage.GetProperty("params").GetProperty("protocolVersion").GetString(),
                    ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                    ["serverInfo"] = new JsonObject { ["name"] = "calc", ["version"] = "1.0.0" },
                },
                "tools/list" => new JsonObject
                {
                    ["tools"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "add",
                        ["description"] = "Add two numbers",
                        ["inputSchema"] = JsonNode.Parse("""{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}"""),
                    }),
                },
                "tools/call" => new JsonObject
                {
                    ["content"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "text",
                        ["text"] = $"sum={jsonRpcMessage.GetProperty("params").GetProperty("arguments").GetProperty("a").GetInt32() + jsonRpcMessage.GetProperty("params").GetProperty("arguments").GetProperty("b").GetInt32()}",
                    }),
                },
                _ => new JsonObject(),
            };
            var response = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id.GetRawText()), ["result"] = result };
            using var document = System.Text.Json.JsonDocument.Parse(response.ToJsonString());
            return ValueTask.FromResult<System.Text.Json.JsonElement?>(document.RootElement.Clone());
        }
    }
}
