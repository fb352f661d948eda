using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Core.Tests.Messages;

public sealed class ClaudeMessageParserTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r")]
    [InlineData("hello")]
    [InlineData("Warning: no stdin data received in 3s, proceeding without it.")]
    [InlineData("[1,2,3]")]
    [InlineData("[{\"type\":\"result\"}]")]
    [InlineData("42")]
    [InlineData("\"a string\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void Parse_LineThatIsNotAJsonObject_ReturnsNull(string line)
    {
        Assert.Null(Parse(line));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"type\":\"assistant\",\"message\":")]
    [InlineData("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"cut")]
    [InlineData("{\"type\":\"result\",\"subtype\":\"success\"} trailing")]
    [InlineData("{\"type\":\"result\",\"subtype\":\"success\"}{\"type\":\"result\"}")]
    [InlineData("{\"type\":\"system\",\"subtype\":\"init\",}")]
    [InlineData("{\"type\":\"brand_new\",\"x\":[1,2}")]
    [InlineData("{\"type\":\"keep_alive\"")]
    [InlineData("{type:\"user\"}")]
    [InlineData("{\"subtype\":\"success\",\"num_turns\":1,\"type\":\"result\",")]
    public void Parse_MalformedJson_ReturnsNullWithoutThrowing(string line)
    {
        Assert.Null(Parse(line));
    }

    [Fact]
    public void Parse_UnknownType_ReturnsUnknownMessageWithRawIntact()
    {
        const string line = """{"type":"brand_new_frame","subtype":"x","session_id":"s1","uuid":"u1","payload":{"nested":[1,{"deep":true}],"text":"é \u00e9"}}""";

        var unknown = Assert.IsType<UnknownMessage>(Parse(line));

        Assert.Equal("brand_new_frame", unknown.Type);
        Assert.Equal("x", unknown.Subtype);
        Assert.Equal("s1", unknown.SessionId);
        Assert.Equal("u1", unknown.Uuid);
        using var expected = JsonDocument.Parse(line);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, unknown.Raw));
    }

    [Fact]
    public void Parse_ResultCost_IsTheExactDecimalOfTheJsonNumberInTheMessageAndTheRunResult()
    {
        // 0.30000000000000004 has 17 significant digits; through double it would print back as 0.3 or drift in a sum.
        const string line = """{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.30000000000000004,"modelUsage":{"m":{"costUSD":0.10000000000000001}},"session_id":"s"}""";

        var result = Assert.IsType<ResultMessage>(Parse(line));
        var run = ClaudeOrchestration.Client.ClaudeRunResult.From(result, [result]);

        Assert.Equal(0.30000000000000004m, result.TotalCostUsd);
        Assert.Equal(0.10000000000000001m, result.ModelUsage["m"].CostUsd);
        Assert.Equal(result.TotalCostUsd, run.TotalCostUsd);
    }

    [Fact]
    public void Parse_ObjectWithoutType_ReturnsUnknownMessageWithEmptyType()
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse("""{"hello":"world"}"""));

        Assert.Equal(string.Empty, unknown.Type);
        Assert.Equal("world", unknown.Raw.GetProperty("hello").GetString());
    }

    [Fact]
    public void Parse_NonStringType_ReturnsUnknownMessage()
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse("""{"type":5,"subtype":"init"}"""));

        Assert.Equal(string.Empty, unknown.Type);
        Assert.Equal(5, unknown.Raw.GetProperty("type").GetInt32());
    }

    [Theory]
    [InlineData("""{"type":"result","subtype":"success","num_turns":"many"}""")]
    [InlineData("""{"type":"result","is_error":false}""")]
    [InlineData("""{"type":"assistant","message":"not an object"}""")]
    [InlineData("""{"type":"assistant"}""")]
    [InlineData("""{"type":"user","message":{"role":"user","content":42}}""")]
    [InlineData("""{"type":"control_request","request":{"subtype":"interrupt"}}""")]
    [InlineData("""{"type":"control_response","response":{"subtype":"success"}}""")]
    [InlineData("""{"type":"stream_event","event":{},"parent_tool_use_id":7}""")]
    public void Parse_KnownTypeWithUnexpectedShape_ReturnsUnknownMessageWithRaw(string line)
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse(line));

        using var expected = JsonDocument.Parse(line);
        Assert.Equal(expected.RootElement.GetProperty("type").GetString(), unknown.Type);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, unknown.Raw));
    }

    [Theory]
    [InlineData("""{"type":"system","subtype":"api_retry","attempt":"first","session_id":"s"}""", "api_retry")]
    [InlineData("""{"type":"system","subtype":"init","tools":"Bash","session_id":"s"}""", "init")]
    [InlineData("""{"type":"system","subtype":"permission_denied","session_id":"s"}""", "permission_denied")]
    [InlineData("""{"type":"system","subtype":"informational","content":"hi","level":"info","session_id":"s"}""", "informational")]
    [InlineData("""{"session_id":"s","subtype":"some_future_subtype","type":"system"}""", "some_future_subtype")]
    public void Parse_SystemFrameThatDoesNotFitAClass_ReturnsPlainSystemMessageWithRaw(string line, string subtype)
    {
        var message = Parse(line);

        Assert.Equal(typeof(SystemMessage), message?.GetType());
        var system = (SystemMessage)message!;
        Assert.Equal(subtype, system.Subtype);
        Assert.Equal("s", system.SessionId);
        using var expected = JsonDocument.Parse(line);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, system.Raw));
    }

    [Fact]
    public void Parse_SystemFrameWithoutSubtype_ReturnsUnknownMessage()
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse("""{"type":"system","session_id":"s"}"""));

        Assert.Equal("system", unknown.Type);
    }

    public static TheoryData<string> Fixtures => [.. SampleTranscripts.All];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parse_PropertiesInReverseOrder_GivesTheSameTypedValues(string fixture)
    {
        // Reversing every object's keys puts "type" last everywhere; re-serialising also escapes '<', '>', quotes and non-ASCII.
        foreach (var frame in SampleTranscripts.Read(fixture))
        {
            var reversed = Encoding.UTF8.GetBytes(Reverse(JsonNode.Parse(frame.Utf8)!).ToJsonString());

            var expected = ClaudeMessageParser.Parse(frame.Utf8);
            var actual = ClaudeMessageParser.Parse(reversed);

            Assert.NotNull(actual);
            Assert.Equal(expected!.GetType(), actual.GetType());
            using var expectedJson = JsonDocument.Parse(Serialize(expected));
            using var actualJson = JsonDocument.Parse(Serialize(actual));
            Assert.True(JsonElement.DeepEquals(expectedJson.RootElement, actualJson.RootElement), $"{fixture}: {frame}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parse_AnyTruncationOfARealFrame_ReturnsNullWithoutThrowing(string fixture)
    {
        foreach (var frame in SampleTranscripts.Read(fixture))
        {
            // Every 13th cut keeps the test quick while still landing inside strings, numbers, keys and nested values.
            for (var length = 0; length < frame.Utf8.Length; length += length < 64 ? 1 : 13)
            {
                Assert.Null(ClaudeMessageParser.Parse(frame.Utf8.AsSpan(0, length)));
            }
        }
    }

    [Theory]
    [InlineData("""{"ty\u0070e":"keep_alive"}""")]
    [InlineData("""{"a":"x\"}{[","b":[{"c":"]\\"},{"d":["}"]}],"type":"keep_alive"}""")]
    [InlineData("""{ "n" : -1.5e3 , "t" : true , "z" : null , "e" : [ ] , "o" : { } , "type" : "keep_alive" }""")]
    [InlineData("\t{\"type\"\n:\r\"keep_alive\"}\t")]
    [InlineData("""{"subtype":{"type":"result"},"x":"\"type\":\"result\"","type":"keep_alive"}""")]
    public void Parse_TypeAfterTrickyStructure_IsFound(string line)
    {
        Assert.IsType<KeepAliveMessage>(Parse(line));
    }

    [Fact]
    public void Parse_SubtypeBeforeTypeInSystemFrame_StillFindsTheClass()
    {
        var state = Assert.IsType<SessionStateChangedMessage>(Parse("""{"subtype":"session_state_changed","state":"idle","session_id":"s","type":"system"}"""));

        Assert.Equal("idle", state.State);
    }

    [Fact]
    public void Parse_ResultWhoseTypeComesLast_FindsResult()
    {
        var result = Assert.IsType<ResultMessage>(Parse("""{"duration_api_ms":5,"usage":{"input_tokens":1,"output_tokens":2,"nested":{"type":"assistant"}},"subtype":"success","type":"result","num_turns":3}"""));

        Assert.Equal(5, result.DurationApiMs);
        Assert.Equal(3, result.NumTurns);
        Assert.Equal(2, result.Usage?.OutputTokens);
    }

    [Fact]
    public void Parse_NestedTypeProperties_DoNotConfuseTheTopLevelScan()
    {
        var assistant = Assert.IsType<AssistantMessage>(Parse("""{"message":{"type":"message","content":[{"type":"text","text":"hi"}]},"subtype":{"type":"result"},"type":"assistant"}"""));

        Assert.Equal("hi", Assert.IsType<TextBlock>(Assert.Single(assistant.Content)).Text);
    }

    [Fact]
    public void Parse_EscapedTypeValue_IsRecognised()
    {
        Assert.IsType<KeepAliveMessage>(Parse("""{"type":"keep\u005Falive"}"""));
    }

    [Fact]
    public void Parse_LineWithCarriageReturnOrByteOrderMark_Parses()
    {
        Assert.IsType<KeepAliveMessage>(Parse("{\"type\":\"keep_alive\"}\r"));
        Assert.IsType<KeepAliveMessage>(ClaudeMessageParser.Parse([0xEF, 0xBB, 0xBF, .. "{\"type\":\"keep_alive\"}"u8]));
    }

    [Fact]
    public void Parse_DeeplyNestedToolInput_ParsesBeyondTheDefaultDepth()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        var line = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":" + deep + "}]}}";

        var toolUse = Assert.IsType<ToolUseBlock>(Assert.Single(Assert.IsType<AssistantMessage>(Parse(line)).Content));

        Assert.Equal(JsonValueKind.Object, toolUse.Input.ValueKind);
    }

    [Fact]
    public void Parse_MultiSegmentSequence_GivesTheSameMessageAsTheSpan()
    {
        foreach (var frame in SampleTranscripts.Read("05-partial.stream.jsonl"))
        {
            var sequence = Segmented(frame.Utf8, segmentLength: 7);
            Assert.False(sequence.IsSingleSegment);

            var fromSequence = ClaudeMessageParser.Parse(sequence);
            var fromSpan = ClaudeMessageParser.Parse(frame.Utf8);

            Assert.NotNull(fromSequence);
            Assert.Equal(fromSpan!.GetType(), fromSequence.GetType());
            Assert.Equal(Serialize(fromSpan), Serialize(fromSequence));
        }
    }

    [Fact]
    public void Parse_SingleSegmentSequence_Parses()
    {
        Assert.IsType<KeepAliveMessage>(ClaudeMessageParser.Parse(new ReadOnlySequence<byte>("{\"type\":\"keep_alive\"}"u8.ToArray())));
    }

    [Fact]
    public void Parse_ControlCancelRequest_ReadsRequestId()
    {
        var cancel = Assert.IsType<ControlCancelRequestMessage>(Parse("""{"type":"control_cancel_request","request_id":"req_9"}"""));

        Assert.Equal("req_9", cancel.RequestId);
        Assert.Null(cancel.SessionId);
    }

    [Fact]
    public void Parse_ToolProgressRateLimitAndLifecycle_ReadTypedFields()
    {
        var progress = Assert.IsType<ToolProgressMessage>(Parse("""{"type":"tool_progress","tool_use_id":"toolu_1","tool_name":"Bash","parent_tool_use_id":null,"elapsed_time_seconds":2.5,"task_id":"t1","session_id":"s","uuid":"u"}"""));
        Assert.Equal("toolu_1", progress.ToolUseId);
        Assert.Equal("Bash", progress.ToolName);
        Assert.Equal(2.5, progress.ElapsedTimeSeconds);
        Assert.Equal("t1", progress.TaskId);

        var rateLimit = Assert.IsType<RateLimitEventMessage>(Parse("""{"type":"rate_limit_event","rate_limit_info":{"status":"allowed_warning","resetsAt":1795474082},"session_id":"s","uuid":"u"}"""));
        Assert.Equal("allowed_warning", rateLimit.RateLimitInfo.GetProperty("status").GetString());

        var lifecycle = Assert.IsType<CommandLifecycleMessage>(Parse("""{"type":"command_lifecycle","command_uuid":"c1","state":"completed"}"""));
        Assert.Equal("c1", lifecycle.CommandUuid);
        Assert.Equal("completed", lifecycle.State);
    }

    [Fact]
    public void Parse_CompactBoundaryAndTaskFrames_ReadTypedFields()
    {
        var compact = Assert.IsType<CompactBoundaryMessage>(Parse("""{"type":"system","subtype":"compact_boundary","compact_metadata":{"trigger":"auto","pre_tokens":150000,"post_tokens":12000,"duration_ms":3400},"session_id":"s","uuid":"u"}"""));
        Assert.Equal("auto", compact.CompactMetadata?.Trigger);
        Assert.Equal(150_000, compact.CompactMetadata?.PreTokens);
        Assert.Equal(12_000, compact.CompactMetadata?.PostTokens);
        Assert.Equal(3400, compact.CompactMetadata?.DurationMs);

        var task = Assert.IsType<TaskMessage>(Parse("""{"type":"system","subtype":"task_notification","task_id":"t1","tool_use_id":"toolu_2","status":"completed","summary":"done","usage":{"total_tokens":10},"session_id":"s","uuid":"u"}"""));
        Assert.Equal("task_notification", task.Subtype);
        Assert.Equal("t1", task.TaskId);
        Assert.Equal("toolu_2", task.ToolUseId);
        Assert.Equal("completed", task.Status);
        Assert.Equal("done", task.Summary);
        Assert.Equal(10, task.Raw.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void Parse_UsageWithNullCacheCounts_ReadsZero()
    {
        var assistant = Assert.IsType<AssistantMessage>(Parse("""{"type":"assistant","message":{"content":[],"usage":{"input_tokens":3,"output_tokens":4,"cache_creation_input_tokens":null,"cache_read_input_tokens":null}}}"""));

        Assert.Equal(0, assistant.Usage?.CacheCreationInputTokens);
        Assert.Equal(0, assistant.Usage?.CacheReadInputTokens);
        Assert.Empty(assistant.Content);
    }

    [Fact]
    public void Parse_ResultWithNullCollections_ReadsEmptyCollections()
    {
        var result = Assert.IsType<ResultMessage>(Parse("""{"type":"result","subtype":"success","errors":null,"permission_denials":null,"modelUsage":null}"""));

        Assert.Empty(result.Errors);
        Assert.Empty(result.PermissionDenials);
        Assert.Empty(result.ModelUsage);
    }

    [Fact]
    public void Raw_ReadFromManyThreadsAtOnce_GivesEqualElements()
    {
        var init = Assert.IsType<SystemInitMessage>(SampleTranscripts.ParseFromCli("01-minimal-env.stream.jsonl")[0]);

        var raws = new JsonElement[8];
        Parallel.For(0, raws.Length, i => raws[i] = init.Raw);

        Assert.All(raws, r => Assert.True(JsonElement.DeepEquals(raws[0], r)));
        Assert.Equal("2.1.330", raws[0].GetProperty("claude_code_version").GetString());
    }

    private static ClaudeMessage? Parse(string line) => ClaudeMessageParser.Parse(Encoding.UTF8.GetBytes(line));

    private static string Serialize(ClaudeMessage message) =>
        JsonSerializer.Serialize(message, ClaudeMessageJsonContext.Default.GetTypeInfo(message.GetType())!);

    private static JsonNode Reverse(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                var reversed = new JsonObject();
                foreach (var (key, value) in obj.Reverse().ToList())
                {
                    reversed[key] = value is null ? null : Reverse(value.DeepClone());
                }

                return reversed;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => item is null ? null : Reverse(item.DeepClone()))]);
            default:
                return node.DeepClone();
        }
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
