using System.Text.Json;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Core.Tests.Messages;

/// <summary>Parses the real CLI 2.1.330 transcripts line by line and checks the typed values against the raw JSON.</summary>
public sealed class SampleTranscriptParsingTests
{
    public static TheoryData<string> Fixtures => [.. SampleTranscripts.All];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parse_EveryFrameOfSample_ReturnsTheClassItsTypeAndSubtypeName(string fixture)
    {
        var frames = SampleTranscripts.Read(fixture);
        Assert.NotEmpty(frames);
        foreach (var frame in frames)
        {
            using var doc = JsonDocument.Parse(frame.Utf8);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            var subtype = root.TryGetProperty("subtype", out var s) ? s.GetString() : null;

            var message = ClaudeMessageParser.Parse(frame.Utf8);

            Assert.NotNull(message);
            Assert.Equal(ExpectedClass(type, subtype), message.GetType());
            Assert.Equal(type, message.Type);
            Assert.Equal(root.TryGetProperty("session_id", out var sid) ? sid.GetString() : null, message.SessionId);
            Assert.Equal(root.TryGetProperty("uuid", out var uuid) ? uuid.GetString() : null, message.Uuid);
            if (message is SystemMessage system)
            {
                Assert.Equal(subtype, system.Subtype);
                Assert.True(JsonElement.DeepEquals(root, system.Raw), $"Raw differs for {frame}");
            }
        }
    }

    [Fact]
    public void Parse_InitFrame_ReadsSessionDescription()
    {
        var init = Assert.IsType<SystemInitMessage>(SampleTranscripts.ParseFromCli("01-minimal-env.stream.jsonl")[0]);

        Assert.Equal("init", init.Subtype);
        Assert.Equal("7b019b63-08b7-41b3-b8f8-535942141840", init.SessionId);
        Assert.Equal("229f48d7-32ab-4747-993e-944a3f587895", init.Uuid);
        Assert.Equal("/home/user/project", init.Cwd);
        Assert.Equal("claude-opus-5-5", init.Model);
        Assert.Equal("default", init.PermissionMode);
        Assert.Equal("ANTHROPIC_API_KEY", init.ApiKeySource);
        Assert.Equal("2.1.330", init.ClaudeCodeVersion);
        Assert.Equal("default", init.OutputStyle);
        Assert.Equal(23, init.Tools.Count);
        Assert.Contains("Bash", init.Tools);
        Assert.Empty(init.McpServers);
        Assert.Contains("compact", init.SlashCommands);
        Assert.Equal(["claude", "Explore", "general-purpose", "Plan", "statusline-setup"], init.Agents);
        Assert.Contains("deep-research", init.Skills);
        Assert.Contains("interrupt_receipt_v1", init.Capabilities);

        // Fields without a property survive in Raw.
        Assert.Equal("/home/user/.claude/projects/-home-user-project/memory/", init.Raw.GetProperty("memory_paths").GetProperty("auto").GetString());
        Assert.Equal(4, init.Raw.GetProperty("plugins").GetArrayLength());
    }

    [Fact]
    public void Parse_InitFrameWithMcpServer_ReadsServerStatus()
    {
        var init = Assert.IsType<SystemInitMessage>(SampleTranscripts.ParseFromCli("42-mcp-config-stdio.stream.jsonl")[0]);

        var server = Assert.Single(init.McpServers);
        Assert.Equal("calc", server.Name);
        Assert.Equal("connected", server.Status);
        Assert.Equal("dynamic", server.Source);
    }

    [Fact]
    public void Parse_SuccessResultWithTypeLast_ReadsEveryTypedField()
    {
        var result = Assert.IsType<ResultMessage>(SampleTranscripts.ParseFromCli("01-minimal-env.stream.jsonl")[^1]);

        Assert.Equal("success", result.Subtype);
        Assert.False(result.IsError);
        Assert.Equal(1, result.NumTurns);
        Assert.Equal(247, result.DurationMs);
        Assert.Equal(51, result.DurationApiMs);
        Assert.Equal("end_turn", result.StopReason);
        Assert.Equal("completed", result.TerminalReason);
        Assert.Equal(0.00044800000000000005m, result.TotalCostUsd);
        Assert.Equal("Hello from mock (model=claude-opus-5-5).", result.Result);
        Assert.Null(result.ApiErrorStatus);
        Assert.Null(result.StructuredOutput);
        Assert.Empty(result.Errors);
        Assert.Empty(result.PermissionDenials);
        Assert.Equal("4f65ee12-5857-46d4-8258-794958dec712", result.Uuid);

        var usage = Assert.IsType<Usage>(result.Usage);
        Assert.Equal(12, usage.InputTokens);
        Assert.Equal(20, usage.OutputTokens);
        Assert.Equal(0, usage.CacheCreationInputTokens);
        Assert.Equal(0, usage.CacheReadInputTokens);
        Assert.Equal("standard", usage.ServiceTier);

        var (model, modelUsage) = Assert.Single(result.ModelUsage);
        Assert.Equal("claude-opus-5-5", model);
        Assert.Equal(12, modelUsage.InputTokens);
        Assert.Equal(20, modelUsage.OutputTokens);
        Assert.Equal(0.00044800000000000005m, modelUsage.CostUsd);
        Assert.Equal(1_000_000, modelUsage.ContextWindow);
        Assert.Equal(128_000, modelUsage.MaxOutputTokens);
    }

    [Fact]
    public void Parse_JsonSchemaResult_ReadsStructuredOutput()
    {
        var messages = SampleTranscripts.ParseFromCli("21-json-schema.stream.jsonl");

        var toolUse = Assert.IsType<ToolUseBlock>(Assert.Single(Assert.IsType<AssistantMessage>(messages[1]).Content));
        Assert.Equal("StructuredOutput", toolUse.Name);
        var result = Assert.IsType<ResultMessage>(messages[^1]);
        var output = Assert.NotNull(result.StructuredOutput);
        Assert.Equal(JsonValueKind.Object, output.ValueKind);
        Assert.Equal("mock", output.GetProperty("name").GetString());
        Assert.Equal(42, output.GetProperty("age").GetInt32());
        Assert.Equal("""{"name":"mock","age":42}""", result.Result);
        Assert.Equal("tool_use", result.StopReason);
        Assert.False(result.IsError);
    }

    [Fact]
    public void Parse_MaxTurnsResult_ReadsErrorSubtypeAndErrors()
    {
        var messages = SampleTranscripts.ParseFromCli("10-max-turns-1.stream.jsonl");

        var result = Assert.IsType<ResultMessage>(messages[^1]);
        Assert.Equal("error_max_turns", result.Subtype);
        Assert.True(result.IsError);
        Assert.Equal(2, result.NumTurns);
        Assert.Equal("max_turns", result.TerminalReason);
        Assert.Equal("tool_use", result.StopReason);
        Assert.Equal(["Reached maximum number of turns (1)"], result.Errors);
        Assert.Null(result.Result);
    }

    [Fact]
    public void Parse_ResumeOfUnknownSession_ReadsMinimalErrorResult()
    {
        var result = Assert.IsType<ResultMessage>(Assert.Single(SampleTranscripts.ParseFromCli("16-resume-missing.stream.jsonl")));

        Assert.Equal("error_during_execution", result.Subtype);
        Assert.True(result.IsError);
        Assert.Equal(0, result.NumTurns);
        Assert.Null(result.StopReason);
        Assert.Null(result.TerminalReason);
        Assert.Equal(0, result.Usage?.InputTokens);
        Assert.Empty(result.ModelUsage);
        Assert.Equal(["No conversation found with session ID: 99999999-2222-4333-8444-555555555555"], result.Errors);
    }

    [Fact]
    public void Parse_Api400Failure_ReadsSyntheticAssistantAndErrorResult()
    {
        var messages = SampleTranscripts.ParseFromCli("34-fail-400.stream.jsonl");

        Assert.DoesNotContain(messages, m => m is ApiRetryMessage);
        var synthetic = Assert.IsType<AssistantMessage>(messages[1]);
        Assert.Equal("<synthetic>", synthetic.Model);
        Assert.Equal("unknown", synthetic.Error);
        Assert.Equal(400, synthetic.ApiErrorStatus);
        Assert.Equal("stop_sequence", synthetic.StopReason);
        Assert.Equal("API Error: 400 mock forced 400", Assert.IsType<TextBlock>(Assert.Single(synthetic.Content)).Text);

        var result = Assert.IsType<ResultMessage>(messages[^1]);
        Assert.Equal("success", result.Subtype);
        Assert.True(result.IsError);
        Assert.Equal(400, result.ApiErrorStatus);
        Assert.Equal("invalid_request_error", result.ApiErrorType);
        Assert.Equal("api_error", result.TerminalReason);
        Assert.Equal("API Error: 400 mock forced 400", result.Result);
        Assert.Equal(0, result.TotalCostUsd);
    }

    [Theory]
    [InlineData("34-fail-401.stream.jsonl", 401, "authentication_failed", 530, 1070)]
    [InlineData("34-fail-529.stream.jsonl", 529, "overloaded", 583, 1161)]
    public void Parse_RetriedApiFailure_ReadsApiRetryFrames(string fixture, int status, string error, double firstDelay, double secondDelay)
    {
        var messages = SampleTranscripts.ParseFromCli(fixture);

        var retries = messages.OfType<ApiRetryMessage>().ToList();
        Assert.Equal(2, retries.Count);
        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
        Assert.All(retries, r => Assert.Equal(2, r.MaxRetries));
        Assert.All(retries, r => Assert.Equal(status, r.ErrorStatus));
        Assert.All(retries, r => Assert.Equal(error, r.Error));
        Assert.Equal([firstDelay, secondDelay], retries.Select(r => r.RetryDelayMs));
        Assert.Equal(status, Assert.IsType<ResultMessage>(messages[^1]).ApiErrorStatus);
    }

    [Fact]
    public void Parse_ConnectionRefused_ReadsRetryWithoutStatus()
    {
        var messages = SampleTranscripts.ParseFromCli("46-no-server.stream.jsonl");

        var retry = Assert.Single(messages.OfType<ApiRetryMessage>());
        Assert.Null(retry.ErrorStatus);
        Assert.Equal("unknown", retry.Error);
        Assert.Equal("server_error", Assert.IsType<AssistantMessage>(messages[2]).Error);
        var result = Assert.IsType<ResultMessage>(messages[^1]);
        Assert.True(result.IsError);
        Assert.Null(result.ApiErrorStatus);
    }

    [Fact]
    public void Parse_ReadOutsideCwd_ReadsPermissionDeniedFrameAndDenials()
    {
        var messages = SampleTranscripts.ParseFromCli("09-read.stream.jsonl");

        var toolUse = Assert.IsType<ToolUseBlock>(Assert.Single(Assert.IsType<AssistantMessage>(messages[1]).Content));
        Assert.Equal("Read", toolUse.Name);
        Assert.Equal("toolu_mock_0004", toolUse.Id);
        Assert.Equal("/etc/hostname", toolUse.Input.GetProperty("file_path").GetString());

        var denied = Assert.IsType<PermissionDeniedMessage>(messages[2]);
        Assert.Equal("permission_denied", denied.Subtype);
        Assert.Equal("Read", denied.ToolName);
        Assert.Equal("toolu_mock_0004", denied.ToolUseId);
        Assert.Equal("workingDir", denied.DecisionReasonType);
        Assert.Equal("Path is outside allowed working directories", denied.DecisionReason);
        Assert.Equal("Claude requested permissions to read from /etc/hostname, but you haven't granted it yet.", denied.Message);

        var user = Assert.IsType<UserMessage>(messages[3]);
        var toolResult = Assert.IsType<ToolResultBlock>(Assert.Single(user.Content));
        Assert.True(toolResult.IsError);
        Assert.Equal("toolu_mock_0004", toolResult.ToolUseId);
        Assert.Equal(JsonValueKind.String, toolResult.Content.ValueKind);
        Assert.Equal(denied.Message, toolResult.Text);
        Assert.Equal(JsonValueKind.String, user.ToolUseResult?.ValueKind);

        var result = Assert.IsType<ResultMessage>(messages[^1]);
        var denial = Assert.Single(result.PermissionDenials);
        Assert.Equal("Read", denial.ToolName);
        Assert.Equal("toolu_mock_0004", denial.ToolUseId);
        Assert.Equal("/etc/hostname", denial.ToolInput.GetProperty("file_path").GetString());
    }

    [Fact]
    public void Parse_BashToolCall_ReadsFramesSharingOneMessageIdAndStringToolResult()
    {
        var messages = SampleTranscripts.ParseFromCli("07-bash-default-perms.stream.jsonl");

        // One API response, one frame per content block.
        var text = Assert.IsType<AssistantMessage>(messages[1]);
        var call = Assert.IsType<AssistantMessage>(messages[2]);
        Assert.Equal("msg_mock_0013", text.MessageId);
        Assert.Equal(text.MessageId, call.MessageId);
        Assert.Equal("I will run a command.", Assert.IsType<TextBlock>(Assert.Single(text.Content)).Text);
        Assert.Equal("claude-opus-5-5", call.Model);
        Assert.Null(call.StopReason);
        Assert.Null(call.ParentToolUseId);
        Assert.Null(call.Error);
        Assert.Equal(12, call.Usage?.InputTokens);
        var toolUse = Assert.IsType<ToolUseBlock>(Assert.Single(call.Content));
        Assert.Equal("toolu_mock_0002", toolUse.Id);
        Assert.Equal("Bash", toolUse.Name);
        Assert.Equal("echo mock-bash-ok", toolUse.Input.GetProperty("command").GetString());
        Assert.Equal("Echo a marker", toolUse.Input.GetProperty("description").GetString());

        var user = Assert.IsType<UserMessage>(messages[3]);
        var toolResult = Assert.IsType<ToolResultBlock>(Assert.Single(user.Content));
        Assert.Equal(toolUse.Id, toolResult.ToolUseId);
        Assert.False(toolResult.IsError);
        Assert.Equal(JsonValueKind.String, toolResult.Content.ValueKind);
        Assert.Equal("mock-bash-ok", toolResult.Text);
        Assert.Equal("mock-bash-ok", user.ToolUseResult?.GetProperty("stdout").GetString());
        Assert.False(user.IsReplay);
        Assert.False(user.IsSynthetic);
    }

    [Fact]
    public void Parse_McpToolCall_ReadsArrayToolResultContent()
    {
        var messages = SampleTranscripts.ParseFromCli("42-mcp-config-stdio.stream.jsonl");

        var toolUse = Assert.IsType<ToolUseBlock>(Assert.Single(Assert.IsType<AssistantMessage>(messages[1]).Content));
        Assert.Equal("mcp__calc__add", toolUse.Name);
        Assert.Equal(2, toolUse.Input.GetProperty("a").GetInt32());
        Assert.Equal(3, toolUse.Input.GetProperty("b").GetInt32());

        var user = Assert.IsType<UserMessage>(messages[2]);
        var toolResult = Assert.IsType<ToolResultBlock>(Assert.Single(user.Content));
        Assert.Equal(JsonValueKind.Array, toolResult.Content.ValueKind);
        Assert.Equal("stdio-sum=5", toolResult.Text);
        Assert.False(toolResult.IsError);
        Assert.Equal(JsonValueKind.Array, user.ToolUseResult?.ValueKind);
    }

    [Fact]
    public void Parse_PartialMessages_ReadsStreamEventsInOrder()
    {
        var messages = SampleTranscripts.ParseFromCli("05-partial.stream.jsonl");

        Assert.Equal("requesting", Assert.IsType<StatusMessage>(messages[1]).Status);
        var events = messages.OfType<StreamEventMessage>().ToList();
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.EventType));
        Assert.All(events, e => Assert.Null(e.ParentToolUseId));
        Assert.All(events, e => Assert.Equal("124031b8-d1cc-4a2a-937d-80e1a6b5a0aa", e.SessionId));
        var deltas = events.Where(e => e.EventType == "content_block_delta").Select(e => e.Event.GetProperty("delta").GetProperty("text").GetString());
        Assert.Equal("Hello from mock (model=claude-opus-5-5).", string.Concat(deltas));
        Assert.Equal("msg_mock_0012", events[0].Event.GetProperty("message").GetProperty("id").GetString());

        // The complete assistant frame comes between the last delta and content_block_stop.
        var assistantIndex = messages.ToList().FindIndex(m => m is AssistantMessage);
        Assert.IsType<StreamEventMessage>(messages[assistantIndex - 1]);
        Assert.Equal("content_block_stop", Assert.IsType<StreamEventMessage>(messages[assistantIndex + 1]).EventType);
    }

    [Fact]
    public void Parse_ControlProtocolTranscript_ReadsRequestsFromTheCli()
    {
        var requests = SampleTranscripts.ParseFromCli("20-control-protocol.transcript.jsonl").OfType<ControlRequestMessage>().ToList();

        Assert.Equal(
            ["mcp_message", "mcp_message", "mcp_message", "hook_callback", "can_use_tool", "hook_callback", "can_use_tool", "mcp_message", "hook_callback"],
            requests.Select(r => r.Subtype));
        Assert.Equal("dc262174-98fb-4b5d-bd0f-fcb480d63147", requests[0].RequestId);
        Assert.Equal("mysrv", requests[0].Request.GetProperty("server_name").GetString());
        Assert.Equal("initialize", requests[0].Request.GetProperty("message").GetProperty("method").GetString());

        var hook = requests[3];
        Assert.Equal("hook_pre_read", hook.Request.GetProperty("callback_id").GetString());
        Assert.Equal("PreToolUse", hook.Request.GetProperty("input").GetProperty("hook_event_name").GetString());

        var canUseTool = requests[4];
        Assert.Equal("10ee17ee-5696-482a-8199-b8f366e2bda5", canUseTool.RequestId);
        Assert.Equal("Read", canUseTool.Request.GetProperty("tool_name").GetString());
        Assert.Equal("toolu_mock_0018", canUseTool.Request.GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public void Parse_ControlProtocolTranscript_ReadsSuccessAndErrorResponses()
    {
        var responses = SampleTranscripts.ParseFromCli("20-control-protocol.transcript.jsonl").OfType<ControlResponseMessage>().ToList();

        var initialize = responses.Single(r => r.RequestId == "req_1");
        Assert.Equal("success", initialize.Subtype);
        Assert.Equal("2.1.330", initialize.Response?.GetProperty("claude_code_version").GetString());
        Assert.Null(initialize.Error);

        Assert.Equal("claude-sonnet-4-5", responses.Single(r => r.RequestId == "req_2").Response?.GetProperty("model").GetString());

        var unsupported = responses.Single(r => r.RequestId == "req_6");
        Assert.Equal("error", unsupported.Subtype);
        Assert.Equal("Unsupported control request subtype: no_such_subtype", unsupported.Error);
        Assert.Equal("unsupported_request", unsupported.ErrorCode);
        Assert.Null(unsupported.Response);

        Assert.Equal(0, responses.Single(r => r.RequestId == "req_7").Response?.GetProperty("still_queued").GetArrayLength());
    }

    [Fact]
    public void Parse_HostFramesOfTsSdk_ReadsControlRequestUserAndResponses()
    {
        var messages = SampleTranscripts.Read("41-ts-sdk-wire.stdin.jsonl").Select(f => ClaudeMessageParser.Parse(f.Utf8)).ToList();

        var initialize = Assert.IsType<ControlRequestMessage>(messages[0]);
        Assert.Equal("initialize", initialize.Subtype);
        Assert.Equal("fja8blq6zeh", initialize.RequestId);
        var user = Assert.IsType<UserMessage>(messages[1]);
        Assert.Equal("USE_READ via sdk", Assert.IsType<TextBlock>(Assert.Single(user.Content)).Text);
        Assert.Equal(string.Empty, user.SessionId);
        var allow = Assert.IsType<ControlResponseMessage>(messages[3]);
        Assert.Equal("allow", allow.Response?.GetProperty("behavior").GetString());
    }

    [Fact]
    public void Parse_InterruptTranscript_ReadsAbortedResultAndLifecycle()
    {
        var messages = SampleTranscripts.ParseFromCli("35-interrupt.transcript.jsonl");

        Assert.Equal(
            ["queued", "started", "cancelled"],
            messages.OfType<CommandLifecycleMessage>().Select(m => m.State));
        Assert.All(messages.OfType<CommandLifecycleMessage>(), m => Assert.Equal("00000000-0000-4000-8000-000000000001", m.CommandUuid));
        var interrupted = messages.OfType<UserMessage>().Single();
        Assert.Equal("[Request interrupted by user]", Assert.IsType<TextBlock>(Assert.Single(interrupted.Content)).Text);
        var aborted = messages.OfType<ResultMessage>().First();
        Assert.Equal("error_during_execution", aborted.Subtype);
        Assert.Equal("aborted_streaming", aborted.TerminalReason);
        Assert.Null(aborted.Result);
        Assert.Single(aborted.Errors);
        Assert.Equal("success", messages.OfType<ResultMessage>().Last().Subtype);
    }

    [Fact]
    public void Parse_ReplayAndHookEvents_ReadsStringContentAndHookFields()
    {
        var messages = SampleTranscripts.ParseFromCli("43-replay-hooks.stream.jsonl");

        var replay = messages.OfType<UserMessage>().Single();
        Assert.True(replay.IsReplay);
        Assert.Equal("hello", Assert.IsType<TextBlock>(Assert.Single(replay.Content)).Text);
        Assert.Equal("11111111-1111-4111-8111-111111111111", replay.Uuid);

        var hooks = messages.OfType<HookEventMessage>().ToList();
        Assert.Equal(["hook_started", "hook_response"], hooks.Select(h => h.Subtype));
        Assert.All(hooks, h => Assert.Equal("b13ec1ef-e458-4911-aaa9-c06abcb5b8bb", h.HookId));
        Assert.All(hooks, h => Assert.Equal("Stop", h.HookEvent));
        Assert.Null(hooks[0].ExitCode);
        Assert.Equal(0, hooks[1].ExitCode);
        Assert.Equal("success", hooks[1].Outcome);
        Assert.Equal("stop-hook-ran\n", hooks[1].Stdout);
        Assert.Equal(string.Empty, hooks[1].Stderr);
    }

    [Fact]
    public void Parse_SdkSessionStateFrames_ReadsStates()
    {
        var states = SampleTranscripts.ParseFromCli("41-ts-sdk-wire.stdout.jsonl").OfType<SessionStateChangedMessage>().Select(m => m.State);

        Assert.Equal(["running", "requires_action", "running", "idle"], states);
    }

    [Fact]
    public void Parse_SystemSubtypeWithoutClass_ReturnsPlainSystemMessageWithRaw()
    {
        var titled = SampleTranscripts.ParseFromCli("49-control-misc.transcript.jsonl").OfType<SystemMessage>().Single(m => m.Subtype == "session_title_changed");

        Assert.Equal(typeof(SystemMessage), titled.GetType());
        Assert.Equal("my title", titled.Raw.GetProperty("title").GetString());
        Assert.Equal("de716548-750f-4fb4-a85b-99c2882f839b", titled.SessionId);
    }

    [Fact]
    public void Parse_SetModelEcho_ReadsLocalCommandOutputAsReplayText()
    {
        var echo = SampleTranscripts.ParseFromCli("20-control-protocol.transcript.jsonl").OfType<UserMessage>().Single(u => u.IsReplay);

        Assert.Equal("<local-command-stdout>Set model to `claude-sonnet-4-5`</local-command-stdout>", Assert.IsType<TextBlock>(Assert.Single(echo.Content)).Text);
    }

    private static Type ExpectedClass(string? type, string? subtype) => (type, subtype) switch
    {
        ("system", "init") => typeof(SystemInitMessage),
        ("system", "status") => typeof(StatusMessage),
        ("system", "api_retry") => typeof(ApiRetryMessage),
        ("system", "permission_denied") => typeof(PermissionDeniedMessage),
        ("system", "session_state_changed") => typeof(SessionStateChangedMessage),
        ("system", "hook_started" or "hook_progress" or "hook_response") => typeof(HookEventMessage),
        ("system", _) => typeof(SystemMessage),
        ("assistant", _) => typeof(AssistantMessage),
        ("user", _) => typeof(UserMessage),
        ("result", _) => typeof(ResultMessage),
        ("stream_event", _) => typeof(StreamEventMessage),
        ("control_request", _) => typeof(ControlRequestMessage),
        ("control_response", _) => typeof(ControlResponseMessage),
        ("command_lifecycle", _) => typeof(CommandLifecycleMessage),
        _ => throw new InvalidOperationException($"The fixtures hold an unexpected frame type {type}/{subtype}; extend the test."),
    };
}
