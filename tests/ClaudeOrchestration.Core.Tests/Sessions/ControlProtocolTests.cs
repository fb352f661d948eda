using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>The session's control-protocol router against a fake CLI (a hand-written transport).</summary>
public sealed class ControlProtocolTests
{
    private const string Init = """{"type":"system","subtype":"init","session_id":"s-1","uuid":"u0","model":"m","tools":[]}""";
    private const string Result = """{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","session_id":"s-1","uuid":"u9","total_cost_usd":0.001,"duration_ms":1,"duration_api_ms":1}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ControlRequest_UnknownSubtype_RepliesErrorAndKeepsReading()
    {
        await using var cli = await FakeCli.StartAsync();

        cli.Transport.Emit("""{"type":"control_request","request_id":"r-1","request":{"subtype":"no_such_subtype","x":1}}""");
        var reply = await cli.ReplyToAsync("r-1");

        Assert.Equal("error", reply.GetProperty("subtype").GetString());
        Assert.Equal("Unsupported control request subtype: no_such_subtype", reply.GetProperty("error").GetString());
        var result = await cli.RunTurnAsync("still alive?");
        Assert.Equal("done", result.Result);
    }

    [Fact]
    public async Task ControlCancelRequest_CancelsThatCallbacksTokenAndSendsNoReply()
    {
        var blocking = new BlockingCallback();
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions
        {
            CanUseTool = (_, token) => new ValueTask<ClaudePermissionResult>(blocking.RunAsync<ClaudePermissionResult>(token)),
        });
        var (entered, observed) = (blocking.Entered, blocking.Cancelled);

        cli.Transport.Emit(CanUseTool("perm-1"));
        await entered.Task.WaitAsync(Ct);
        cli.Transport.Emit("""{"type":"control_cancel_request","request_id":"perm-1"}""");
        await observed.Task.WaitAsync(Ct);
        cli.Transport.Emit("""{"type":"control_request","request_id":"probe","request":{"subtype":"unknown_probe"}}""");
        await cli.ReplyToAsync("probe");

        Assert.DoesNotContain(cli.Transport.AllWritten, f => IsReplyTo(f, "perm-1"));
        Assert.Equal(0, cli.Session.InFlightCallbackCount);
    }

    [Fact]
    public async Task Callbacks_SlowPermissionCallback_DoesNotBlockHooksOrTheTurnStream()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions
        {
            CanUseTool = async (_, token) =>
            {
                entered.SetResult();
                await release.Task.WaitAsync(token);
                return ClaudePermissionResult.Deny("late no");
            },
            Hooks = [new ClaudeHookMatcher { Event = ClaudeHookEvents.PostToolUse, Callbacks = [(_, _) => ValueTask.FromResult(ClaudeHookOutput.AddContext("PostToolUse", "fast"))] }],
        });
        var turn = cli.Session.RunAsync("go", Ct);
        var prompt = await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);

        cli.Transport.Emit(CanUseTool("slow-1"));
        await entered.Task.WaitAsync(Ct);
        cli.Transport.Emit("""{"type":"control_request","request_id":"hook-1","request":{"subtype":"hook_callback","callback_id":"hook_0","input":{"hook_event_name":"PostToolUse","tool_name":"Read"}}}""");
        var hookReply = await cli.ReplyToAsync("hook-1");
        cli.Transport.Emit(Init);
        cli.Transport.Emit(Result);
        var result = await turn;

        Assert.Equal("fast", hookReply.GetProperty("response").GetProperty("hookSpecificOutput").GetProperty("additionalContext").GetString());
        Assert.Equal("done", result.Text);
        Assert.False(release.Task.IsCompleted);
        Assert.Equal(1, cli.Session.InFlightCallbackCount);
        Assert.NotNull(prompt.GetProperty("uuid").GetString());

        release.SetResult();
        var permission = await cli.ReplyToAsync("slow-1");
        Assert.Equal("deny", permission.GetProperty("response").GetProperty("behavior").GetString());
        Assert.Equal("late no", permission.GetProperty("response").GetProperty("message").GetString());
    }

    [Fact]
    public async Task McpMessage_RequestAndNotification_RoutedToServerAndAnswered()
    {
        var server = new RecordingMcpServer("calc");
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions { SdkMcpServers = [server] });

        cli.Transport.Emit("""{"type":"control_request","request_id":"m-1","request":{"subtype":"mcp_message","server_name":"calc","message":{"jsonrpc":"2.0","id":7,"method":"tools/list"}}}""");
        var response = await cli.ReplyToAsync("m-1");
        cli.Transport.Emit("""{"type":"control_request","request_id":"m-2","request":{"subtype":"mcp_message","server_name":"calc","message":{"jsonrpc":"2.0","method":"notifications/initialized"}}}""");
        var ack = await cli.ReplyToAsync("m-2");
        cli.Transport.Emit("""{"type":"control_request","request_id":"m-3","request":{"subtype":"mcp_message","server_name":"nope","message":{"jsonrpc":"2.0","id":8,"method":"tools/list"}}}""");
        var unknown = await cli.ReplyToAsync("m-3");

        Assert.Equal(["tools/list", "notifications/initialized"], server.Methods);
        var mcp = response.GetProperty("response").GetProperty("mcp_response");
        Assert.Equal(7, mcp.GetProperty("id").GetInt32());
        Assert.Equal("echo", mcp.GetProperty("result").GetProperty("tools")[0].GetProperty("name").GetString());
        Assert.Equal("""{"jsonrpc":"2.0","result":{},"id":0}""", ack.GetProperty("response").GetProperty("mcp_response").GetRawText());
        Assert.Equal(-32601, unknown.GetProperty("response").GetProperty("mcp_response").GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(["calc"], cli.Initialize.GetProperty("sdkMcpServers").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Initialize_CarriesHooksPromptsAgentsAndSchema()
    {
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions
        {
            RunOptions = new ClaudeRunOptions
            {
                SystemPrompt = "SYSTEM",
                AppendSystemPrompt = "APPEND",
                JsonSchema = new JsonObject { ["type"] = "object" },
            },
            Agents = new Dictionary<string, JsonObject> { ["reviewer"] = new() { ["description"] = "Reviews", ["prompt"] = "Review it" } },
            Hooks =
            [
                new ClaudeHookMatcher { Event = "PreToolUse", Matcher = "Bash", Timeout = TimeSpan.FromSeconds(2.5), Callbacks = [(_, _) => ValueTask.FromResult(ClaudeHookOutput.Continue), (_, _) => ValueTask.FromResult(ClaudeHookOutput.Continue)] },
                new ClaudeHookMatcher { Event = "Stop", Callbacks = [(_, _) => ValueTask.FromResult(ClaudeHookOutput.Continue)] },
            ],
        });

        var init = cli.Initialize;
        var pre = init.GetProperty("hooks").GetProperty("PreToolUse")[0];
        Assert.Equal("Bash", pre.GetProperty("matcher").GetString());
        Assert.Equal(["hook_0", "hook_1"], pre.GetProperty("hookCallbackIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, pre.GetProperty("timeout").GetInt32());
        var stop = init.GetProperty("hooks").GetProperty("Stop")[0];
        Assert.False(stop.TryGetProperty("matcher", out _));
        Assert.Equal(["hook_2"], stop.GetProperty("hookCallbackIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["SYSTEM"], init.GetProperty("systemPrompt").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("APPEND", init.GetProperty("appendSystemPrompt").GetString());
        Assert.Equal("object", init.GetProperty("jsonSchema").GetProperty("type").GetString());
        Assert.Equal("Review it", init.GetProperty("agents").GetProperty("reviewer").GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task HostRequest_ErrorReply_ThrowsClaudeControlException()
    {
        await using var cli = await FakeCli.StartAsync();

        var call = cli.Session.ReconnectMcpServerAsync("calc", Ct);
        var request = await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "control_request", Ct);
        var id = request.GetProperty("request_id").GetString();
        cli.Transport.Emit($$$"""{"type":"control_response","response":{"subtype":"error","request_id":"{{{id}}}","error":"MCP server calc is disabled","error_code":"x"}}""");

        var failure = await Assert.ThrowsAsync<ClaudeControlException>(() => call);
        Assert.Equal("mcp_reconnect", failure.RequestSubtype);
        Assert.Equal("MCP server calc is disabled", failure.Error);
        Assert.Equal("x", failure.ErrorCode);
        Assert.Equal("calc", request.GetProperty("request").GetProperty("serverName").GetString());
    }

    [Fact]
    public async Task HostRequest_NoAnswerWithinTimeout_ThrowsAndWithdrawsRequest()
    {
        var clock = new FakeTimeProvider();
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions { ControlRequestTimeout = TimeSpan.FromSeconds(5) }, clock);

        var call = cli.Session.GetContextUsageAsync(Ct);
        var request = await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "control_request", Ct);
        clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<TimeoutException>(() => call);
        var cancel = await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "control_cancel_request", Ct);
        Assert.Equal(request.GetProperty("request_id").GetString(), cancel.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task HostRequest_CliStopsReadingStdin_TimesOutFaultsAndTerminates()
    {
        var clock = new FakeTimeProvider();
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions { ControlRequestTimeout = TimeSpan.FromSeconds(5) }, clock);
        cli.Transport.StallWrites = true;

        var call = cli.Session.SetModelAsync("sonnet", Ct);
        clock.Advance(TimeSpan.FromSeconds(5));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.Contains("did not read", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(ClaudeSessionState.Faulted, cli.Session.State);
        Assert.Equal(1, cli.Transport.TerminateCount);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cli.Session.GetMcpStatusAsync(Ct));
    }

    [Fact]
    public async Task SendAsync_CancelledWhileTheCliDoesNotReadThePrompt_InterruptTimesOutKillsAndThrows()
    {
        var clock = new TimerSignallingTimeProvider();
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions { InterruptTimeout = TimeSpan.FromSeconds(2) }, clock);
        cli.Transport.StallWrites = true;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var turn = cli.Session.RunAsync("never read", cts.Token);
        await cts.CancelAsync();
        // The interrupt's write stalls too; once its timeout timer exists, moving the clock past it must kill the process.
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(2), Ct);
        clock.Advance(TimeSpan.FromSeconds(3));
        await cli.Transport.Terminated.WaitAsync(Ct);

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => turn);
        Assert.Contains("'interrupt'", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ClaudeSessionState.Faulted, cli.Session.State);
    }

    [Fact]
    public async Task PermissionCallback_IgnoresItsToken_TimeoutStillRepliesWithAnError()
    {
        var clock = new FakeTimeProvider();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<ClaudePermissionResult>();
        await using var cli = await FakeCli.StartAsync(
            new ClaudeSessionOptions
            {
                CallbackTimeout = TimeSpan.FromSeconds(4),
                CanUseTool = (_, _) =>
                {
                    entered.TrySetResult();
                    return new ValueTask<ClaudePermissionResult>(never.Task);
                },
            },
            clock);

        cli.Transport.Emit(CanUseTool("perm-stuck"));
        await entered.Task.WaitAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(4));
        var reply = await cli.ReplyToAsync("perm-stuck");

        Assert.Equal("error", reply.GetProperty("subtype").GetString());
        Assert.Contains("timed out", reply.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task McpMessage_ServerReturnsNothingForARequest_ErrorCarriesTheRequestId()
    {
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions { SdkMcpServers = [new SilentMcpServer()] });

        cli.Transport.Emit("""{"type":"control_request","request_id":"m-1","request":{"subtype":"mcp_message","server_name":"silent","message":{"jsonrpc":"2.0","id":"abc-7","method":"tools/list"}}}""");
        var reply = await cli.ReplyToAsync("m-1");

        var response = reply.GetProperty("response").GetProperty("mcp_response");
        Assert.Equal("abc-7", response.GetProperty("id").GetString());
        Assert.Equal(-32603, response.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60 * 24 * 60)]
    public void ValidateOptions_TimeoutOutOfRange_ThrowsNamingTheOption(int minutes)
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ClaudeSession.ValidateOptions(new ClaudeSessionOptions { CallbackTimeout = TimeSpan.FromMinutes(minutes) }));

        Assert.Contains(nameof(ClaudeSessionOptions.CallbackTimeout), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HookCallback_TimesOut_TokenCancelledAndErrorReply()
    {
        var clock = new FakeTimeProvider();
        var blocking = new BlockingCallback();
        var (entered, cancelled) = (blocking.Entered, blocking.Cancelled);
        await using var cli = await FakeCli.StartAsync(
            new ClaudeSessionOptions
            {
                Hooks =
                [
                    new ClaudeHookMatcher
                    {
                        Event = "PreToolUse",
                        Timeout = TimeSpan.FromSeconds(3),
                        Callbacks = [(_, token) => new ValueTask<ClaudeHookOutput>(blocking.RunAsync<ClaudeHookOutput>(token))],
                    },
                ],
            },
            clock);

        cli.Transport.Emit("""{"type":"control_request","request_id":"h-1","request":{"subtype":"hook_callback","callback_id":"hook_0","input":{"hook_event_name":"PreToolUse"}}}""");
        await entered.Task.WaitAsync(Ct);

        clock.Advance(TimeSpan.FromSeconds(3));
        var reply = await cli.ReplyToAsync("h-1");

        await cancelled.Task.WaitAsync(Ct);
        Assert.Equal("error", reply.GetProperty("subtype").GetString());
        Assert.Contains("timed out", reply.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Cancelled_SendsInterruptWithCancelQueuedAndThrowsAfterTurnEnds()
    {
        await using var cli = await FakeCli.StartAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var turn = cli.Session.RunAsync("long", cts.Token);
        await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);
        cli.Transport.Emit(Init);

        await cts.CancelAsync();
        var interrupt = await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "control_request", Ct);
        Assert.Equal("interrupt", interrupt.GetProperty("request").GetProperty("subtype").GetString());
        Assert.True(interrupt.GetProperty("request").GetProperty("cancel_queued").GetBoolean());
        Assert.False(turn.IsCompleted);
        cli.Transport.Emit(Success(interrupt.GetProperty("request_id").GetString()!, """{"still_queued":[]}"""));
        cli.Transport.Emit("""{"type":"result","subtype":"error_during_execution","is_error":true,"terminal_reason":"aborted_streaming","session_id":"s-1","num_turns":0}""");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn);
        Assert.Equal(ClaudeSessionState.Idle, cli.Session.State);
        Assert.Equal("done", (await cli.RunTurnAsync("next")).Result);
    }

    [Fact]
    public async Task SendAsync_CancelledAndCliIgnoresInterrupt_KillsProcessAndFaults()
    {
        var clock = new FakeTimeProvider();
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions { InterruptTimeout = TimeSpan.FromSeconds(10) }, clock);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var turn = cli.Session.RunAsync("stuck", cts.Token);
        await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);

        await cts.CancelAsync();
        await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "control_request", Ct);
        clock.Advance(TimeSpan.FromSeconds(10));

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => turn);
        Assert.Contains("interrupt", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ClaudeSessionState.Faulted, cli.Session.State);
        Assert.Equal(1, cli.Transport.TerminateCount);
    }

    [Fact]
    public async Task SendAsync_ProcessExitsMidTurn_FailsWithExitCodeAndStderrTail()
    {
        await using var cli = await FakeCli.StartAsync();
        var turn = cli.Session.RunAsync("crash", Ct);
        await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);
        var pending = cli.Session.GetMcpStatusAsync(Ct);
        cli.Transport.Stderr.Add("fatal: something broke");

        cli.Transport.Exit(3);

        var failure = await Assert.ThrowsAsync<ClaudeProcessException>(() => turn);
        Assert.Equal(3, failure.ExitCode);
        Assert.Contains("fatal: something broke", failure.StderrTail);
        Assert.DoesNotContain("fatal: something broke", failure.Message, StringComparison.Ordinal);
        Assert.Contains("StderrTail", failure.Message, StringComparison.Ordinal);
        Assert.Same(failure, await Assert.ThrowsAsync<ClaudeProcessException>(() => pending));
        Assert.Equal(ClaudeSessionState.Faulted, cli.Session.State);
    }

    [Fact]
    public async Task SendAsync_MessagesBetweenTurns_GoToOutOfTurnCallback()
    {
        var outside = System.Threading.Channels.Channel.CreateUnbounded<ClaudeMessage>();
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions { OutOfTurnMessageCallback = m => outside.Writer.TryWrite(m) });

        cli.Transport.Emit("""{"type":"system","subtype":"status","status":null,"permissionMode":"plan","session_id":"s-1","uuid":"x"}""");
        var before = await outside.Reader.ReadAsync(Ct);
        var turn = cli.Session.SendAsync("hi", Ct);
        var inTurn = new List<ClaudeMessage>();
        var reading = Task.Run(async () =>
        {
            await foreach (var message in turn)
            {
                inTurn.Add(message);
            }
        }, Ct);
        await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);
        cli.Transport.Emit(Init);
        cli.Transport.Emit(Result);
        cli.Transport.Emit("""{"type":"command_lifecycle","command_uuid":"late","state":"completed","session_id":"s-1","uuid":"y"}""");
        var after = await outside.Reader.ReadAsync(Ct);
        await reading;

        Assert.IsType<StatusMessage>(before);
        Assert.IsType<CommandLifecycleMessage>(after);
        Assert.Collection(inTurn, m => Assert.IsType<SystemInitMessage>(m), m => Assert.IsType<ResultMessage>(m));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CallbackThrows_ReplyHasAnErrorIdAndTheMessageOnlyWhenOptedIn(bool include)
    {
        var logger = new RecordingLogger();
        await using var cli = await FakeCli.StartAsync(
            new ClaudeSessionOptions
            {
                IncludeExceptionMessages = include,
                CanUseTool = (_, _) => throw new InvalidOperationException("secret connection string"),
            },
            logger: logger);

        cli.Transport.Emit(CanUseTool("perm-throws"));
        var reply = await cli.ReplyToAsync("perm-throws");

        Assert.Equal("error", reply.GetProperty("subtype").GetString());
        var error = reply.GetProperty("error").GetString()!;
        var errorId = System.Text.RegularExpressions.Regex.Match(error, "err_[0-9a-f]{12}").Value;
        Assert.NotEmpty(errorId);
        Assert.Equal(include, error.Contains("secret connection string", StringComparison.Ordinal));
        var logged = Assert.Single(logger.Entries, e => e.Message.Contains(errorId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal("secret connection string", logged.Exception?.Message);
    }

    [Fact]
    public async Task SendAsync_ConsumerStopsReading_ReaderWaitsAtTheBufferBoundThenDeliversEverythingInOrder()
    {
        await using var cli = await FakeCli.StartAsync();
        const int flood = (2 * ClaudeSession.TurnBufferCapacity) + 10;
        await using var turn = cli.Session.SendAsync("flood me", Ct).GetAsyncEnumerator(Ct);
        var first = turn.MoveNextAsync();
        await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);
        var readsBefore = cli.Transport.Reads;
        for (var i = 0; i < flood; i++)
        {
            cli.Transport.Emit($$"""{"type":"flood","n":{{i}}}""");
        }

        Assert.True(await first);
        // The consumer took one message, the buffer holds the bound, and the reader holds one more, waiting for room: it reads
        // no further line (unbounded, it would read the whole flood).
        var bound = readsBefore + ClaudeSession.TurnBufferCapacity + 2;
        await cli.Transport.ReadsReached(bound).WaitAsync(Ct);
        Assert.Equal(bound, cli.Transport.Reads);

        var seen = new List<int> { ((UnknownMessage)turn.Current).Raw.GetProperty("n").GetInt32() };
        while (seen.Count < flood && await turn.MoveNextAsync())
        {
            seen.Add(((UnknownMessage)turn.Current).Raw.GetProperty("n").GetInt32());
        }

        cli.Transport.Emit(Result);
        Assert.True(await turn.MoveNextAsync());
        Assert.IsType<ResultMessage>(turn.Current);
        Assert.False(await turn.MoveNextAsync());
        Assert.Equal(Enumerable.Range(0, flood), seen);
    }

    [Fact]
    public async Task RunAsync_WithPartialStreamEvents_DoesNotKeepThem()
    {
        await using var cli = await FakeCli.StartAsync();

        var run = cli.Session.RunAsync("stream", Ct);
        await cli.Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);
        cli.Transport.Emit(Init);
        for (var i = 0; i < 50; i++)
        {
            cli.Transport.Emit("""{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}},"session_id":"s-1","uuid":"u"}""");
        }

        cli.Transport.Emit(Result);
        var result = await run;

        Assert.DoesNotContain(result.Messages, m => m is StreamEventMessage);
        Assert.Collection(result.Messages, m => Assert.IsType<SystemInitMessage>(m), m => Assert.IsType<ResultMessage>(m));
    }

    [Theory]
    [InlineData("Timeout")]
    [InlineData("TaskId")]
    [InlineData("Priority")]
    public async Task StartAsync_OneShotOnlyRunOption_ThrowsBeforeSpawningAndNamesIt(string setting)
    {
        var run = setting switch
        {
            "Timeout" => new ClaudeRunOptions { Timeout = TimeSpan.FromMinutes(1) },
            "TaskId" => new ClaudeRunOptions { TaskId = "t-1" },
            _ => new ClaudeRunOptions { Priority = 5 },
        };
        var factory = ClaudeSessionFactory.Create(new ClaudeOrchestrationOptions { CliPath = "/nonexistent/claude" });

        var rejected = await Assert.ThrowsAsync<ArgumentException>(() => factory.StartAsync(new ClaudeSessionOptions { RunOptions = run }, Ct));

        Assert.Equal("options", rejected.ParamName);
        Assert.Contains("ClaudeRunOptions." + setting, rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermissionAndHook_UpdatedInputAsJsonElement_IsSentLikeAJsonObject()
    {
        var rewritten = JsonDocument.Parse("""{"file_path":"/tmp/elsewhere"}""").RootElement.Clone();
        await using var cli = await FakeCli.StartAsync(new ClaudeSessionOptions
        {
            CanUseTool = (_, _) => ValueTask.FromResult(ClaudePermissionResult.Allow(rewritten)),
            Hooks = [new ClaudeHookMatcher { Event = "PreToolUse", Callbacks = [(_, _) => ValueTask.FromResult(ClaudeHookOutput.RewriteToolInput(rewritten))] }],
        });

        cli.Transport.Emit(CanUseTool("perm-element"));
        var permission = await cli.ReplyToAsync("perm-element");
        cli.Transport.Emit("""{"type":"control_request","request_id":"hook-element","request":{"subtype":"hook_callback","callback_id":"hook_0","input":{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/etc/hostname"}}}}""");
        var hook = await cli.ReplyToAsync("hook-element");

        Assert.Equal("/tmp/elsewhere", permission.GetProperty("response").GetProperty("updatedInput").GetProperty("file_path").GetString());
        Assert.Equal("/tmp/elsewhere", hook.GetProperty("response").GetProperty("hookSpecificOutput").GetProperty("updatedInput").GetProperty("file_path").GetString());
        Assert.Throws<ArgumentException>(() => ClaudePermissionResult.Allow(JsonDocument.Parse("[1]").RootElement.Clone()));
    }

    private static string CanUseTool(string id) =>
        $$$"""{"type":"control_request","request_id":"{{{id}}}","request":{"subtype":"can_use_tool","tool_name":"Read","input":{"file_path":"/etc/hostname"},"tool_use_id":"toolu_1"}}""";

    private static string Success(string id, string response) =>
        "{\"type\":\"control_response\",\"response\":{\"subtype\":\"success\",\"request_id\":\"" + id + "\",\"response\":" + response + "}}";

    private static bool IsReplyTo(JsonElement frame, string id) =>
        frame.GetProperty("type").GetString() == "control_response" && frame.GetProperty("response").GetProperty("request_id").GetString() == id;

    /// <summary>A session over a fake transport, initialized.</summary>
    private sealed class FakeCli : IAsyncDisposable
    {
        private FakeCli(FakeSessionTransport transport, ClaudeSession session, JsonElement initialize)
        {
            Transport = transport;
            Session = session;
            Initialize = initialize;
        }

        public FakeSessionTransport Transport { get; }

        public ClaudeSession Session { get; }

        public JsonElement Initialize { get; }

        public static async Task<FakeCli> StartAsync(ClaudeSessionOptions? options = null, TimeProvider? clock = null, ILogger? logger = null)
        {
            options ??= new ClaudeSessionOptions();
            ClaudeSession.ValidateOptions(options);
            var transport = new FakeSessionTransport();
            var session = new ClaudeSession(transport, options, logger ?? NullLogger.Instance, clock ?? TimeProvider.System, TimeSpan.FromSeconds(2), "s-1");
            var initializing = session.InitializeAsync(Ct);
            var init = await transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "control_request", Ct);
            var id = init.GetProperty("request_id").GetString();
            transport.Emit(Success(id!, """{"pid":4242}"""));
            await initializing;
            return new FakeCli(transport, session, init.GetProperty("request"));
        }

        public async Task<JsonElement> ReplyToAsync(string id) =>
            (await Transport.NextWrittenAsync(f => IsReplyTo(f, id), Ct)).GetProperty("response");

        public async Task<ResultMessage> RunTurnAsync(string prompt)
        {
            var turn = Session.RunAsync(prompt, Ct);
            await Transport.NextWrittenAsync(f => f.GetProperty("type").GetString() == "user", Ct);
            Transport.Emit(Init);
            Transport.Emit(Result);
            return (await turn).Result;
        }

        public ValueTask DisposeAsync() => Session.DisposeAsync();
    }

    private sealed class SilentMcpServer : IClaudeSdkMcpServer
    {
        public string Name => "silent";

        public ValueTask<JsonElement?> HandleMessageAsync(JsonElement jsonRpcMessage, CancellationToken cancellationToken) => ValueTask.FromResult<JsonElement?>(null);
    }

    private sealed class RecordingMcpServer(string name) : IClaudeSdkMcpServer
    {
        public string Name => name;

        public List<string> Methods { get; } = [];

        public ValueTask<JsonElement?> HandleMessageAsync(JsonElement jsonRpcMessage, CancellationToken cancellationToken)
        {
            var method = jsonRpcMessage.GetProperty("method").GetString()!;
            lock (Methods)
            {
                Methods.Add(method);
            }

            if (!jsonRpcMessage.TryGetProperty("id", out var id))
            {
                return ValueTask.FromResult<JsonElement?>(null);
            }

            var node = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.GetInt32(), ["result"] = new JsonObject { ["tools"] = new JsonArray(new JsonObject { ["name"] = "echo" }) } };
            using var document = JsonDocument.Parse(node.ToJsonString());
            var response = document.RootElement.Clone();
            return ValueTask.FromResult<JsonElement?>(response);
        }
    }
}
