using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Mcp.Tests.TestSupport;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Tests.SdkServers;

public sealed class ClaudeSdkMcpServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static McpServerTool AddTool() =>
        McpServerTool.Create(([Description("First addend")] int a, [Description("Second addend")] int b) => a + b, new() { Name = "add", Description = "Adds two integers." });

    [Fact]
    public async Task HandleMessageAsync_CliHandshake_NegotiatesProtocolAndListsTools()
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);
        var client = new CliMcpClient(server);

        var initialize = await client.InitializeAsync(Ct);
        var tools = await client.ListToolsAsync(Ct);

        Assert.Equal("2025-11-25", initialize.GetProperty("protocolVersion").GetString());
        Assert.Equal("calc", initialize.GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.True(initialize.GetProperty("capabilities").TryGetProperty("tools", out _));
        var tool = Assert.Single(tools.GetProperty("tools").EnumerateArray());
        Assert.Equal("add", tool.GetProperty("name").GetString());
        Assert.Equal("Adds two integers.", tool.GetProperty("description").GetString());
        var schema = tool.GetProperty("inputSchema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("a").GetProperty("type").GetString());
        Assert.Equal("First addend", schema.GetProperty("properties").GetProperty("a").GetProperty("description").GetString());
        Assert.Equal(["a", "b"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Fact]
    public async Task HandleMessageAsync_ToolsCallWithClaudeMeta_RunsToolAndAnswersWithSameId()
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var response = await server.HandleMessageAsync(CliMcpClient.ToolCall(42, "add", new JsonObject { ["a"] = 2, ["b"] = 3 }), Ct);

        Assert.Equal(42, response!.Value.GetProperty("id").GetInt64());
        var result = CliMcpClient.Result(response);
        Assert.Equal("5", CliMcpClient.SingleText(result));
        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean());
    }

    [Fact]
    public async Task HandleMessageAsync_StringRequestId_IsEchoedAsString()
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);
        await new CliMcpClient(server).InitializeAsync(Ct);

        var response = await server.HandleMessageAsync(CliMcpClient.Parse("""{"jsonrpc":"2.0","id":"call-7","method":"tools/list"}"""), Ct);

        Assert.Equal("call-7", response!.Value.GetProperty("id").GetString());
        CliMcpClient.Result(response);
    }

    [Fact]
    public async Task HandleMessageAsync_Notification_ReturnsNullWithoutWaitingForTheServer()
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);

        var response = await server.HandleMessageAsync(CliMcpClient.Notification("notifications/initialized"), Ct);

        Assert.Null(response);
    }

    [Fact]
    public async Task HandleMessageAsync_ManyConcurrentCalls_EachResponseMatchesItsRequest()
    {
        const int Calls = 24;
        var gates = Enumerable.Range(0, Calls).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = McpServerTool.Create(
            async (int index, CancellationToken cancellationToken) =>
            {
                if (Interlocked.Increment(ref started) == Calls)
                {
                    allStarted.TrySetResult();
                }

                await gates[index].Task.WaitAsync(cancellationToken);
                return $"done {index}";
            },
            new() { Name = "wait" });
        await using var server = ClaudeSdkMcpServer.Create("gates", tools: [echo]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var calls = Enumerable.Range(0, Calls)
            .Select(i => (Index: i, Id: 1000L + i, Response: server.HandleMessageAsync(CliMcpClient.ToolCall(1000 + i, "wait", new JsonObject { ["index"] = i }), Ct).AsTask()))
            .ToArray();

        // Every call is inside its tool at the same time; release them in reverse order so responses come back out of order.
        await allStarted.Task.WaitAsync(Ct);
        foreach (var gate in gates.Reverse())
        {
            gate.SetResult();
        }

        foreach (var call in calls)
        {
            var response = await call.Response;
            Assert.Equal(call.Id, response!.Value.GetProperty("id").GetInt64());
            Assert.Equal($"done {call.Index}", CliMcpClient.SingleText(CliMcpClient.Result(response)));
        }
    }

    [Fact]
    public async Task HandleMessageAsync_CallerCancels_ToolTokenFiresAndServerStaysUsable()
    {
        var (slow, inTool, toolCancelled) = BlockingTool();
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [slow, AddTool()]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = client.CallRawAsync("slow", [], cancellation.Token);
        await inTool.Task.WaitAsync(Ct);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await toolCancelled.Task.WaitAsync(Ct);
        var after = await client.CallToolAsync("add", new JsonObject { ["a"] = 1, ["b"] = 1 }, Ct);
        Assert.Equal("2", CliMcpClient.SingleText(after));
    }

    [Fact]
    public async Task HandleMessageAsync_CliSendsCancelledNotification_ToolTokenFires()
    {
        var (slow, inTool, toolCancelled) = BlockingTool();
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [slow]);
        await new CliMcpClient(server).InitializeAsync(Ct);
        using var sessionCancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = server.HandleMessageAsync(CliMcpClient.ToolCall(9, "slow", []), sessionCancel.Token).AsTask();
        await inTool.Task.WaitAsync(Ct);
        var ack = await server.HandleMessageAsync(
            CliMcpClient.Notification("notifications/cancelled", new JsonObject { ["requestId"] = 9, ["reason"] = "user interrupt" }), Ct);

        Assert.Null(ack);
        await toolCancelled.Task.WaitAsync(Ct);

        // The CLI no longer waits for request 9; the session withdraws its control request, which ends this call.
        await sessionCancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task HandleMessageAsync_ToolThrows_IsErrorResultHidesTheMessageByDefault()
    {
        var failing = McpServerTool.Create(string () => throw new InvalidOperationException("secret connection string"), new() { Name = "boom" });
        var logger = new RecordingLogger();
        await using var server = ClaudeSdkMcpServer.Create(new ClaudeSdkMcpServerOptions { Name = "calc", Tools = [failing] }, loggerFactory: logger);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var result = await client.CallToolAsync("boom", [], Ct);

        Assert.True(result.GetProperty("isError").GetBoolean());
        var text = CliMcpClient.SingleText(result);
        Assert.Contains("boom", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        // The model gets an error id; the host's log has the full exception under the same id.
        var errorId = System.Text.RegularExpressions.Regex.Match(text, "err_[0-9a-f]{12}").Value;
        Assert.NotEmpty(errorId);
        var logged = Assert.Single(logger.Entries, e => e.Exception is not null && e.Message.Contains(errorId, StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, logged.Level);
        Assert.Equal("secret connection string", logged.Exception?.Message);
    }

    [Fact]
    public async Task HandleMessageAsync_ToolThrowsWithIncludeExceptionMessages_IsErrorResultCarriesTheMessage()
    {
        var failing = McpServerTool.Create(string () => throw new InvalidOperationException("the disk is full"), new() { Name = "boom" });
        await using var server = ClaudeSdkMcpServer.Create(new ClaudeSdkMcpServerOptions { Name = "calc", Tools = [failing], IncludeExceptionMessages = true });
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var result = await client.CallToolAsync("boom", [], Ct);

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Matches("^An error occurred invoking 'boom': the disk is full \\(error id err_[0-9a-f]{12}\\)$", CliMcpClient.SingleText(result));
    }

    [Fact]
    public async Task HandleMessageAsync_ToolThrowsMcpException_IsErrorResultCarriesTheMessage()
    {
        var failing = McpServerTool.Create(string (int a) => throw new McpException($"a must be positive, got {a}"), new() { Name = "check" });
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [failing]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var result = await client.CallToolAsync("check", new JsonObject { ["a"] = -1 }, Ct);

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains("a must be positive, got -1", CliMcpClient.SingleText(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleMessageAsync_UnknownTool_ReturnsJsonRpcInvalidParams()
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var response = await server.HandleMessageAsync(CliMcpClient.ToolCall(5, "subtract", []), Ct);

        Assert.Equal(5, response!.Value.GetProperty("id").GetInt64());
        var error = CliMcpClient.Error(response);
        Assert.Equal((int)McpErrorCode.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Contains("subtract", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleMessageAsync_UnknownMethod_ReturnsJsonRpcMethodNotFound()
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);
        await new CliMcpClient(server).InitializeAsync(Ct);

        var response = await server.HandleMessageAsync(CliMcpClient.Request(6, "no/such/method"), Ct);

        Assert.Equal((int)McpErrorCode.MethodNotFound, CliMcpClient.Error(response).GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"foo":1}""")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":123}""")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":"not an object"}""")]
    [InlineData("""null""")]
    public async Task HandleMessageAsync_MalformedMessage_ReturnsJsonRpcErrorAndKeepsServing(string json)
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var response = await server.HandleMessageAsync(CliMcpClient.Parse(json), Ct);

        var error = CliMcpClient.Error(response);
        Assert.True(error.GetProperty("code").GetInt32() is (int)McpErrorCode.InvalidRequest or (int)McpErrorCode.InvalidParams or (int)McpErrorCode.InternalError,
            error.GetRawText());
        var after = await client.CallToolAsync("add", new JsonObject { ["a"] = 20, ["b"] = 22 }, Ct);
        Assert.Equal("42", CliMcpClient.SingleText(after));
    }

    [Fact]
    public async Task HandleMessageAsync_MalformedMessageWithReadableId_ErrorCarriesThatId()
    {
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);

        var response = await server.HandleMessageAsync(CliMcpClient.Parse("""{"jsonrpc":"2.0","id":7,"method":123}"""), Ct);

        Assert.Equal(7, response!.Value.GetProperty("id").GetInt64());
        Assert.Equal((int)McpErrorCode.InvalidRequest, CliMcpClient.Error(response).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task HandleMessageAsync_DuplicateIdInFlight_SecondGetsInvalidRequest()
    {
        var inTool = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = McpServerTool.Create(
            async () =>
            {
                inTool.SetResult();
                await release.Task;
                return "first";
            },
            new() { Name = "slow" });
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [slow]);
        await new CliMcpClient(server).InitializeAsync(Ct);

        var first = server.HandleMessageAsync(CliMcpClient.ToolCall(3, "slow", []), Ct).AsTask();
        await inTool.Task.WaitAsync(Ct);
        var second = await server.HandleMessageAsync(CliMcpClient.ToolCall(3, "slow", []), Ct);
        release.SetResult();

        Assert.Equal((int)McpErrorCode.InvalidRequest, CliMcpClient.Error(second).GetProperty("code").GetInt32());
        Assert.Equal("first", CliMcpClient.SingleText(CliMcpClient.Result(await first)));
    }

    [Fact]
    public async Task HandleMessageAsync_200kCharacterResult_ReturnedIntact()
    {
        var large = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 100_000:D9}|"));
        Assert.Equal(200_000, large.Length);
        var dump = McpServerTool.Create(() => large, new() { Name = "dump" }).WithMaxResultSizeChars(250_000);
        await using var server = ClaudeSdkMcpServer.Create("big", tools: [dump]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var result = await client.CallToolAsync("dump", [], Ct);

        Assert.Equal(large, CliMcpClient.SingleText(result));
    }

    [Fact]
    public async Task HandleMessageAsync_ToolsList_CarriesClaudeMetaForResultSizeAndLoading()
    {
        var dump = McpServerTool.Create(() => "x", new() { Name = "dump" })
            .WithMaxResultSizeChars(300_000)
            .WithAlwaysLoad()
            .WithSearchHint("dump a large report");
        await using var server = ClaudeSdkMcpServer.Create("big", tools: [dump]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var tool = Assert.Single((await client.ListToolsAsync(Ct)).GetProperty("tools").EnumerateArray());

        var meta = tool.GetProperty("_meta");
        Assert.Equal(300_000, meta.GetProperty("anthropic/maxResultSizeChars").GetInt32());
        Assert.True(meta.GetProperty("anthropic/alwaysLoad").GetBoolean());
        Assert.Equal("dump a large report", meta.GetProperty("anthropic/searchHint").GetString());
    }

    [Fact]
    public async Task HandleMessageAsync_ToolAsksCliForElicitation_FailsFastInsteadOfHanging()
    {
        var asks = McpServerTool.Create(
            async (McpServer mcp, CancellationToken cancellationToken) =>
            {
                var answer = await mcp.ElicitAsync(new ElicitRequestParams { Message = "Which file?", RequestedSchema = new() }, cancellationToken);
                return answer.Action;
            },
            new() { Name = "ask" });
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [asks]);
        var client = new CliMcpClient(server);
        await server.HandleMessageAsync(
            CliMcpClient.Request(0, "initialize", new JsonObject
            {
                ["protocolVersion"] = "2025-11-25",
                ["capabilities"] = new JsonObject { ["elicitation"] = new JsonObject() },
                ["clientInfo"] = new JsonObject { ["name"] = "claude-code", ["version"] = "2.1.330" },
            }),
            Ct);
        await server.HandleMessageAsync(CliMcpClient.Notification("notifications/initialized"), Ct);

        var response = await server.HandleMessageAsync(CliMcpClient.ToolCall(1, "ask", []), Ct);

        // The SDK reports the refused request as a protocol error (McpProtocolException) for the call.
        var error = CliMcpClient.Error(response);
        Assert.Equal((int)McpErrorCode.MethodNotFound, error.GetProperty("code").GetInt32());
        Assert.Contains("cannot send requests to the CLI", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleMessageAsync_ResourcesAndPrompts_AreServedBySdk()
    {
        var resource = McpServerResource.Create(() => "hello from a resource", new() { UriTemplate = "memo://greeting", Name = "greeting", MimeType = "text/plain" });
        var prompt = McpServerPrompt.Create((string topic) => $"Write about {topic}.", new() { Name = "write" });
        await using var server = ClaudeSdkMcpServer.Create("docs", resources: [resource], prompts: [prompt]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var list = CliMcpClient.Result(await server.HandleMessageAsync(CliMcpClient.Request(client.NextId(), "resources/list"), Ct));
        var read = CliMcpClient.Result(await server.HandleMessageAsync(
            CliMcpClient.Request(client.NextId(), "resources/read", new JsonObject { ["uri"] = "memo://greeting" }), Ct));
        var got = CliMcpClient.Result(await server.HandleMessageAsync(
            CliMcpClient.Request(client.NextId(), "prompts/get", new JsonObject { ["name"] = "write", ["arguments"] = new JsonObject { ["topic"] = "pipes" } }), Ct));

        Assert.Equal("memo://greeting", Assert.Single(list.GetProperty("resources").EnumerateArray()).GetProperty("uri").GetString());
        Assert.Equal("hello from a resource", Assert.Single(read.GetProperty("contents").EnumerateArray()).GetProperty("text").GetString());
        Assert.Equal("Write about pipes.", Assert.Single(got.GetProperty("messages").EnumerateArray()).GetProperty("content").GetProperty("text").GetString());
    }

    [Fact]
    public async Task DisposeAsync_CallInFlight_FailsWithObjectDisposed()
    {
        var inTool = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        var slow = McpServerTool.Create(
            async (CancellationToken cancellationToken) =>
            {
                inTool.SetResult();
                await never.Task.WaitAsync(cancellationToken);
                return "unreachable";
            },
            new() { Name = "slow" });
        var server = ClaudeSdkMcpServer.Create("calc", tools: [slow]);
        await new CliMcpClient(server).InitializeAsync(Ct);
        var call = server.HandleMessageAsync(CliMcpClient.ToolCall(1, "slow", []), Ct).AsTask();
        await inTool.Task.WaitAsync(Ct);

        await server.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => call);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.HandleMessageAsync(CliMcpClient.Request(2, "tools/list"), Ct).AsTask());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task HandleMessageAsync_TokenAlreadyCancelled_ThrowsWithoutCallingTheTool()
    {
        var calls = 0;
        var counted = McpServerTool.Create(() => Interlocked.Increment(ref calls), new() { Name = "count" });
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [counted]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => server.HandleMessageAsync(CliMcpClient.ToolCall(1, "count", []), new CancellationToken(canceled: true)).AsTask());
        var result = await client.CallToolAsync("count", [], Ct);

        Assert.Equal("1", CliMcpClient.SingleText(result));
    }

    [Fact]
    public async Task HandleMessageAsync_CliRestartsAndInitializesAgain_ServesTheNewProcess()
    {
        // A resumed or forked session starts a new CLI process with the same options, so the same server sees a second
        // initialize with request ids starting at 0 again.
        await using var server = ClaudeSdkMcpServer.Create("calc", tools: [AddTool()]);
        var firstProcess = new CliMcpClient(server);
        await firstProcess.InitializeAsync(Ct);
        await firstProcess.CallToolAsync("add", new JsonObject { ["a"] = 1, ["b"] = 1 }, Ct);

        var secondProcess = new CliMcpClient(server);
        var initialize = await secondProcess.InitializeAsync(Ct);
        var result = await secondProcess.CallToolAsync("add", new JsonObject { ["a"] = 2, ["b"] = 2 }, Ct);

        Assert.Equal("2025-11-25", initialize.GetProperty("protocolVersion").GetString());
        Assert.Equal("4", CliMcpClient.SingleText(result));
    }

    [Theory]
    [InlineData("")]
    [InlineData("my server")]
    [InlineData("calc.v2")]
    public void Create_InvalidName_ThrowsWithFix(string name)
    {
        var exception = Assert.Throws<ArgumentException>(() => ClaudeSdkMcpServer.Create(name, tools: [AddTool()]));

        Assert.Contains("letters, digits", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_DuplicateToolNames_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => ClaudeSdkMcpServer.Create("calc", tools: [AddTool(), AddTool()]));

        Assert.Contains("2 tools named 'add'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SameToolsTwice_ServersHaveIndependentSessions()
    {
        var tools = new[] { AddTool() };
        await using var first = ClaudeSdkMcpServer.Create("calc", tools: tools);
        await using var second = ClaudeSdkMcpServer.Create("calc", tools: tools);

        // Both CLI processes start their ids at 0; neither sees the other's requests or responses.
        var one = new CliMcpClient(first);
        var two = new CliMcpClient(second);
        await one.InitializeAsync(Ct);
        await two.InitializeAsync(Ct);
        var a = await one.CallToolAsync("add", new JsonObject { ["a"] = 1, ["b"] = 2 }, Ct);
        var b = await two.CallToolAsync("add", new JsonObject { ["a"] = 10, ["b"] = 20 }, Ct);

        Assert.Equal("3", CliMcpClient.SingleText(a));
        Assert.Equal("30", CliMcpClient.SingleText(b));
    }

    /// <summary>A tool named "slow" that signals when it starts, waits until its token fires, and signals that too.</summary>
    private static (McpServerTool Tool, TaskCompletionSource Started, TaskCompletionSource Cancelled) BlockingTool()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        var tool = McpServerTool.Create(
            async (CancellationToken cancellationToken) =>
            {
                started.SetResult();
                try
                {
                    await never.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    cancelled.SetResult();
                    throw;
                }

                return "unreachable";
            },
            new() { Name = "slow" });
        return (tool, started, cancelled);
    }
}
