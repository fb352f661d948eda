using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.TestUtilities;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Tests.Integration;

/// <summary>
/// The proof with the real pinned <c>claude</c> CLI: a <see cref="ClaudeSession"/> (stream-json control protocol) talks to a
/// <see cref="ClaudeSdkMcpServer"/> through <c>mcp_message</c>, against a scripted Messages API.
/// </summary>
public sealed class SdkMcpServerCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClaudeSession_ModelCallsInProcessTool_ToolRunsAndResultReachesTranscriptAndNextApiRequest()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        var calls = new ConcurrentQueue<(int A, int B, string? ToolUseId)>();
        var add = McpServerTool.Create(
            (int a, int b, RequestContext<CallToolRequestParams> context) =>
            {
                calls.Enqueue((a, b, context.Params?.Meta?["claudecode/toolUseId"]?.GetValue<string>()));
                return $"sum={a + b}";
            },
            new() { Name = "add", Description = "Adds two integers." }).WithAlwaysLoad();
        await using var calc = ClaudeSdkMcpServer.Create("calc", tools: [add]);
        cli.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("add 2 and 3", StringComparison.Ordinal),
            ScriptedReply.ToolUse("mcp__calc__add", new JsonObject { ["a"] = 2, ["b"] = 3 }));

        await using var session = await StartSessionAsync(cli, calc, allowedTools: ["mcp__calc__add"]);
        var run = await session.RunAsync("please add 2 and 3", Ct);

        Assert.False(run.IsError, run.Result.ToString());
        // anthropic/alwaysLoad: the tool was offered to the model up front instead of being deferred behind tool search.
        Assert.Contains("mcp__calc__add", cli.Server.Requests.First(r => !r.IsSideCall).ToolNames);
        var call = Assert.Single(calls);
        Assert.Equal((2, 3), (call.A, call.B));

        // The transcript: the assistant's tool_use, then the user turn carrying the tool's result for that id.
        var toolUse = run.Messages.OfType<AssistantMessage>().SelectMany(m => m.Content).OfType<ToolUseBlock>().Single(b => b.Name == "mcp__calc__add");
        Assert.Equal(toolUse.Id, call.ToolUseId);
        var toolResult = run.Messages.OfType<UserMessage>().SelectMany(m => m.Content).OfType<ToolResultBlock>().Single(r => r.ToolUseId == toolUse.Id);
        Assert.Equal("sum=5", toolResult.Text);
        Assert.False(toolResult.IsError);

        // The next Messages API request carried the result back to the model.
        var followUp = Assert.Single(cli.Server.Requests, r => !r.IsSideCall && r.HasToolResults);
        var sent = Assert.Single(followUp.ToolResults);
        Assert.Equal(toolUse.Id, sent.ToolUseId);
        Assert.Equal("sum=5", sent.Content);
        Assert.False(sent.IsError);
        Assert.Contains("sum=5", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaudeSession_ToolThrowsMcpException_ModelSeesErrorResult()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        var divide = McpServerTool.Create(
            int (int a, int b) => b == 0 ? throw new ModelContextProtocol.McpException("b must not be zero") : a / b,
            new() { Name = "divide" });
        await using var calc = ClaudeSdkMcpServer.Create(new ClaudeSdkMcpServerOptions { Name = "calc", Tools = [divide], AlwaysLoadTools = false });
        cli.Server.When(r => !r.HasToolResults, ScriptedReply.ToolUse("mcp__calc__divide", new JsonObject { ["a"] = 1, ["b"] = 0 }));

        await using var session = await StartSessionAsync(cli, calc, allowedTools: ["mcp__calc__divide"]);
        var run = await session.RunAsync("divide 1 by 0", Ct);

        // With AlwaysLoadTools = false the CLI defers the tool (not in the API tools), yet a call by name still works.
        Assert.DoesNotContain("mcp__calc__divide", cli.Server.Requests.First(r => !r.IsSideCall).ToolNames);
        var sent = Assert.Single(Assert.Single(cli.Server.Requests, r => !r.IsSideCall && r.HasToolResults).ToolResults);
        Assert.True(sent.IsError, sent.ToString());
        Assert.Contains("b must not be zero", sent.Content, StringComparison.Ordinal);
        Assert.False(run.IsError, run.Result.ToString());
    }

    [Fact]
    public async Task ClaudeSession_QuickStartToolWithoutMeta_IsInTheApiRequestsToolList()
    {
        // The README's quick start: a plain McpServerTool, no WithAlwaysLoad. The model must see it, not only ToolSearch.
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        await using var calc = ClaudeSdkMcpServer.Create("calc", tools:
        [
            McpServerTool.Create((int a, int b) => a + b, new() { Name = "add", Description = "Adds two integers." }),
        ]);
        cli.Server.Enqueue(ScriptedReply.Text("ok"));

        await using var session = await StartSessionAsync(cli, calc, allowedTools: ["mcp__calc__add"]);
        await session.RunAsync("what tools do you have?", Ct);

        Assert.Contains("mcp__calc__add", cli.Server.Requests.First(r => !r.IsSideCall).ToolNames);
    }

    [Fact]
    public async Task ClaudeSession_ToolWithAlwaysLoadFalse_StaysDeferredUnderTheDefault()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        await using var calc = ClaudeSdkMcpServer.Create("calc", tools:
        [
            McpServerTool.Create((int a, int b) => a + b, new() { Name = "add" }),
            McpServerTool.Create((int a, int b) => a * b, new() { Name = "multiply" }).WithAlwaysLoad(false),
        ]);
        cli.Server.Enqueue(ScriptedReply.Text("ok"));

        await using var session = await StartSessionAsync(cli, calc, allowedTools: ["mcp__calc__add", "mcp__calc__multiply"]);
        await session.RunAsync("what tools do you have?", Ct);

        var tools = cli.Server.Requests.First(r => !r.IsSideCall).ToolNames;
        Assert.Contains("mcp__calc__add", tools);
        Assert.DoesNotContain("mcp__calc__multiply", tools);
    }

    [Fact]
    public async Task ClaudeSession_ForkWithServerFactory_TheToolWorksInTheOriginalAndTheForkWithTheirOwnServers()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        var created = 0;
        var calls = new ConcurrentQueue<int>();
        var add = McpServerTool.Create(
            (int a, int b) =>
            {
                calls.Enqueue(a + b);
                return $"sum={a + b}";
            },
            new() { Name = "add", Description = "Adds two integers." });
        var factory = ClaudeSdkMcpServer.Factory("calc", tools: [add]);
        foreach (var (prompt, a, b) in new[] { ("first add", 2, 3), ("fork add", 4, 5), ("original add", 6, 7) })
        {
            cli.Server.When(
                r => !r.IsSideCall && !r.HasToolResults && r.LatestUserText.Contains(prompt, StringComparison.Ordinal),
                ScriptedReply.ToolUse("mcp__calc__add", new JsonObject { ["a"] = a, ["b"] = b }));
        }

        var options = new ClaudeSessionOptions
        {
            SdkMcpServerFactories = [() =>
            {
                Interlocked.Increment(ref created);
                return factory();
            }],
            RunOptions = new ClaudeRunOptions { AllowedTools = ["mcp__calc__add"] },
        };
        await using var original = await StartSessionAsync(cli, options);
        var first = await original.RunAsync("first add", Ct);
        await using var fork = await original.ForkAsync(Ct);
        var forked = await fork.RunAsync("fork add", Ct);
        var again = await original.RunAsync("original add", Ct);

        Assert.Equal(2, created);
        Assert.Equal([5, 9, 13], calls.ToArray());
        foreach (var (run, sum) in new[] { (first, 5), (forked, 9), (again, 13) })
        {
            var result = run.Messages.OfType<UserMessage>().SelectMany(m => m.Content).OfType<ToolResultBlock>().Single();
            Assert.False(result.IsError, result.Text);
            Assert.Equal($"sum={sum}", result.Text);
        }
    }

    [Fact]
    public async Task ClaudeSession_ForkOfALiveSessionWithAServerInstance_ThrowsAndSaysToUseAFactory()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        await using var calc = ClaudeSdkMcpServer.Create("calc", tools: [McpServerTool.Create((int a, int b) => a + b, new() { Name = "add" })]);
        cli.Server.Enqueue(ScriptedReply.Text("ok"));
        await using var session = await StartSessionAsync(cli, calc, allowedTools: []);
        await session.RunAsync("hello", Ct);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => session.ForkAsync(Ct));

        Assert.Contains("SdkMcpServerFactories", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaudeSession_200kCharacterResultWithMaxResultSizeChars_ReachesTheModelIntact()
    {
        var large = LargeText();
        var run = await RunDumpAsync(McpServerTool.Create(() => large, new() { Name = "dump" }).WithMaxResultSizeChars(ClaudeToolMeta.MaxResultSizeCharsCeiling));

        Assert.Equal(large, run.SentContent);
    }

    [Fact]
    public async Task ClaudeSession_200kCharacterResultWithoutMaxResultSizeChars_CliReplacesItWithANotice()
    {
        // Pins the CLI behaviour ClaudeToolMeta.MaxResultSizeChars documents: without the _meta entry the default limit
        // (50,000 characters) applies, the CLI saves the result to a file and the model gets only a notice.
        var large = LargeText();
        var run = await RunDumpAsync(McpServerTool.Create(() => large, new() { Name = "dump" }));

        Assert.True(run.SentContent.Length < 50_000, $"Expected a notice, got {run.SentContent.Length} characters: {run.SentContent[..Math.Min(500, run.SentContent.Length)]}");
        Assert.Contains("saved to", run.SentContent, StringComparison.Ordinal);
    }

    private static string LargeText()
    {
        // Distinct, position-dependent text, so a truncated or re-ordered result cannot pass for the original.
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i:D9}|"));
        Assert.Equal(200_000, text.Length);
        return text;
    }

    private static async Task<(string SentContent, ClaudeRunResult Run)> RunDumpAsync(McpServerTool dump)
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        await using var server = ClaudeSdkMcpServer.Create("big", tools: [dump]);
        cli.Server.When(r => !r.HasToolResults, ScriptedReply.ToolUse("mcp__big__dump", new JsonObject()));

        await using var session = await StartSessionAsync(cli, server, allowedTools: ["mcp__big__dump"]);
        var run = await session.RunAsync("dump the report", Ct);

        Assert.False(run.IsError, run.Result.ToString());
        var sent = Assert.Single(Assert.Single(cli.Server.Requests, r => !r.IsSideCall && r.HasToolResults).ToolResults);
        Assert.False(sent.IsError, sent.ToString());
        return (sent.Content, run);
    }

    private static Task<ClaudeSession> StartSessionAsync(OfflineCliFixture cli, ClaudeSdkMcpServer server, IReadOnlyList<string> allowedTools) =>
        StartSessionAsync(cli, new ClaudeSessionOptions
        {
            SdkMcpServers = [server],
            RunOptions = new ClaudeRunOptions { AllowedTools = allowedTools },
        });

    private static Task<ClaudeSession> StartSessionAsync(OfflineCliFixture cli, ClaudeSessionOptions options)
    {
        var settings = new ClaudeOrchestrationOptions { CliPath = TestCli.Path, DefaultWorkingDirectory = cli.WorkingDirectory };
        foreach (var (name, value) in cli.Environment)
        {
            settings.EnvironmentVariables[name] = value;
        }

        return ClaudeSessionFactory.Create(settings).StartAsync(options, Ct);
    }
}
