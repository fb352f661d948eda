using ClaudeOrchestration.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ClaudeOrchestration.Mcp.Tests.Server;

/// <summary>Bad arguments and cancellation: tool errors with a clear message, a server that keeps serving, no process left behind.</summary>
public sealed class ToolErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> BadCalls => new()
    {
        { "code_generation", """{"language":"C#","description":"   "}""", "'description' is required" },
        { "code_generation", """{"language":"C#","description":"x","project_path":"/etc"}""", "outside the directories this server may work in" },
        { "code_generation", """{"description":"x"}""", "" },
        { "code_review", """{"file_path":"../../../../../etc/passwd"}""", "outside the directories this server may work in" },
        { "code_review", """{"file_path":"missing.cs"}""", "does not exist" },
        { "code_review", """{"file_path":"x.cs","focus_areas":"not a list"}""", "" },
        { "delegate_task", """{"task_type":"Deploy","description":"x"}""", "'task_type' must be one of CodeGeneration" },
        { "delegate_task", """{"task_type":"Debugging","description":"x","project_path":"/nonexistent/dir"}""", "outside the directories" },
        { "rag_query", """{"query":""}""", "'query' is required" },
        { "rag_query", """{"query":"x","top_k":0}""", "'top_k' must be between 1 and 50" },
        { "rag_query", """{"query":"x","top_k":"many"}""", "" },
        { "rag_query", """{"query":"x","threshold":2.5}""", "'threshold' must be between -1 and 1" },
        { "knowledge_add", """{"text":" "}""", "'text' is required" },
        { "knowledge_add", """{"text":"x","tags":[""]}""", "'tags[0]' is required" },
        { "context_update", """{"session_id":"a b","operation":"add"}""", "'session_id' may contain only" },
        { "context_update", """{"session_id":"s","operation":"merge"}""", "'operation' must be add, update or remove" },
        { "context_update", """{"session_id":"nobody","operation":"update","context_data":{"project":"p"}}""", "There is no context 'nobody'" },
        { "context_update", """{"session_id":"s","operation":"add","context_data":{"preferences":{"k":null}}}""", "'context_data.preferences.k' must be a string" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task CallTool_BadArguments_ToolErrorWithClearMessage_ServerKeepsServing(string tool, string argumentsJson, string expected)
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        var arguments = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson)!;

        var result = await host.Client.CallToolAsync(tool, arguments, cancellationToken: Ct);

        Assert.True(result.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ScriptedMessagesServer.DefaultApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Cli.Server.Requests, r => !r.IsSideCall);
        Assert.NotEmpty(await host.Client.ListToolsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task CallTool_UnknownTool_ProtocolError()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);

        await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(() => host.Client.CallToolAsync("no_such_tool", cancellationToken: Ct).AsTask());
        Assert.NotEmpty(await host.Client.ListToolsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task CodeGeneration_ClientCancels_AgentProcessEndsAndServerKeepsServing()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        host.Cli.Server.When(r => r.LatestUserText.Contains("Write the code", StringComparison.Ordinal), ScriptedReply.Text("never sent").WithDelay(Timeout.InfiniteTimeSpan));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = host.Client.CallToolAsync("code_generation", new Dictionary<string, object?> { ["language"] = "C#", ["description"] = "hang" }, cancellationToken: cancel.Token).AsTask();
        await host.Cli.Server.WaitForRequestAsync(r => r.LatestUserText.Contains("Write the code", StringComparison.Ordinal), Ct);
        Assert.NotEmpty(host.Cli.FindLiveProcesses());
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        // The server's side of the call ends only after the delegator stopped the CLI's process tree.
        Assert.Equal("code_generation", await host.CompletedCalls.ReadAsync(Ct));
        Assert.Empty(host.Cli.FindLiveProcesses());
        Assert.NotEmpty(await host.Client.ListToolsAsync(cancellationToken: Ct));
    }
}
