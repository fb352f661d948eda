using System.Text.Json;
using ClaudeOrchestration.Mcp.Server;
using ClaudeOrchestration.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ClaudeOrchestration.Mcp.Tests.Server;

/// <summary>The suite's tools through the official SDK's server and client, as an MCP host would serve them.</summary>
public sealed class ClaudeOrchestrationToolsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListTools_AllFeatures_ListsEveryToolWithInputAndOutputSchema()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);

        var tools = await host.Client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(
            ["approve_workflow", "cancel_workflow", "code_generation", "code_review", "context_update", "delegate_task", "knowledge_add", "rag_query", "run_workflow", "workflow_status"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tool in tools)
        {
            Assert.False(string.IsNullOrWhiteSpace(tool.Description));
            Assert.Equal(JsonValueKind.Object, tool.ProtocolTool.OutputSchema?.ValueKind);
        }

        var rag = tools.Single(t => t.Name == "rag_query").ProtocolTool.InputSchema;
        var properties = rag.GetProperty("properties");
        Assert.True(properties.TryGetProperty("query", out _));
        Assert.True(properties.TryGetProperty("top_k", out _));
        Assert.True(properties.TryGetProperty("threshold", out _));
        Assert.True(properties.GetProperty("filters").GetProperty("properties").TryGetProperty("source_path", out _), properties.GetProperty("filters").ToString());
        Assert.Equal(["query"], rag.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ListTools_KnowledgeOnly_ListsOnlyKnowledgeTools()
    {
        await using var host = await McpTestHost.StartAsync(o => o.Features = ClaudeOrchestrationMcpFeatures.Knowledge, cancellationToken: Ct);

        var tools = await host.Client.ListToolsAsync(cancellationToken: Ct);
        var resources = await host.Client.ListResourcesAsync(cancellationToken: Ct);
        var prompts = await host.Client.ListPromptsAsync(cancellationToken: Ct);

        Assert.Equal(["knowledge_add", "rag_query"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal([ClaudeOrchestrationMcpNames.KnowledgeUri], resources.Select(r => r.Uri));
        Assert.Empty(prompts);
    }

    [Fact]
    public async Task KnowledgeAddThenRagQuery_FindsTheDocument_TextAndStructuredContent()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);

        var added = await host.Client.CallToolAsync("knowledge_add", new Dictionary<string, object?>
        {
            ["text"] = "The deploy script lives in tools/deploy.sh and needs the STAGE variable.",
            ["document_id"] = "deploy-notes",
            ["title"] = "Deploy notes",
            ["project"] = "alpha",
            ["tags"] = new[] { "ops" },
        }, cancellationToken: Ct);
        Assert.NotEqual(true, added.IsError);
        Assert.Equal("Added", added.StructuredContent!.Value.GetProperty("status").GetString());

        var result = await host.Client.CallToolAsync("rag_query", new Dictionary<string, object?>
        {
            ["query"] = "where is the deploy script",
            ["top_k"] = 3,
            ["filters"] = new Dictionary<string, object?> { ["project"] = "alpha", ["tags"] = new[] { "ops" } },
        }, cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        var structured = result.StructuredContent!.Value;
        Assert.Equal(1, structured.GetProperty("count").GetInt32());
        Assert.Equal("deploy-notes", structured.GetProperty("results")[0].GetProperty("document_id").GetString());
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.Contains("Deploy notes", text, StringComparison.Ordinal);
        Assert.Contains("tools/deploy.sh", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContextUpdate_AddUpdateRemove_ResourcesFollow()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);

        var added = await host.Client.CallToolAsync("context_update", new Dictionary<string, object?>
        {
            ["session_id"] = "s-1",
            ["operation"] = "add",
            ["context_data"] = new Dictionary<string, object?>
            {
                ["working_context"] = "Port the parser",
                ["preferences"] = new Dictionary<string, string> { ["language"] = "C#" },
                ["memory"] = new[] { "tests use xunit" },
            },
        }, cancellationToken: Ct);
        Assert.NotEqual(true, added.IsError);
        Assert.Equal(1, added.StructuredContent!.Value.GetProperty("version").GetInt64());
        Assert.True(added.StructuredContent!.Value.TryGetProperty("working_context", out var working), added.StructuredContent.Value.ToString());
        Assert.Equal("Port the parser", working.GetString());

        var updated = await host.Client.CallToolAsync("context_update", new Dictionary<string, object?>
        {
            ["session_id"] = "s-1",
            ["operation"] = "update",
            ["context_data"] = new Dictionary<string, object?> { ["project"] = "alpha" },
        }, cancellationToken: Ct);
        Assert.Equal("alpha", updated.StructuredContent!.Value.GetProperty("project").GetString());

        var list = await host.Client.ReadResourceAsync(ClaudeOrchestrationMcpNames.SessionsUri, cancellationToken: Ct);
        Assert.Contains("\"s-1\"", Assert.IsType<TextResourceContents>(Assert.Single(list.Contents)).Text, StringComparison.Ordinal);
        var one = await host.Client.ReadResourceAsync("context://sessions/s-1", cancellationToken: Ct);
        var json = JsonDocument.Parse(Assert.IsType<TextResourceContents>(Assert.Single(one.Contents)).Text).RootElement;
        Assert.Equal("Port the parser", json.GetProperty("working_context").GetString());
        Assert.Equal("C#", json.GetProperty("preferences").GetProperty("language").GetString());
        Assert.Equal("tests use xunit", json.GetProperty("memory")[0].GetString());

        var removed = await host.Client.CallToolAsync("context_update", new Dictionary<string, object?>
        {
            ["session_id"] = "s-1",
            ["operation"] = "remove",
        }, cancellationToken: Ct);
        Assert.False(removed.StructuredContent!.Value.GetProperty("exists").GetBoolean());
        var missing = await Assert.ThrowsAsync<McpProtocolException>(() => host.Client.ReadResourceAsync("context://sessions/s-1", cancellationToken: Ct).AsTask());
        Assert.Equal(McpErrorCode.ResourceNotFound, missing.ErrorCode);
    }

    [Fact]
    public async Task KnowledgeResource_CountsDocumentsAndChunks_AndSubscribersHearOfChanges()
    {
        // resources/subscribe exists up to protocol 2025-11-25 (2026-07-28 moves it to subscriptions/listen).
        await using var host = await McpTestHost.StartAsync(protocolVersion: "2025-11-25", cancellationToken: Ct);
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await host.Client.SubscribeToResourceAsync(ClaudeOrchestrationMcpNames.KnowledgeUri, (notification, _) =>
        {
            updated.TrySetResult(notification.Uri);
            return ValueTask.CompletedTask;
        }, cancellationToken: Ct);

        foreach (var id in new[] { "a", "b" })
        {
            await host.Client.CallToolAsync("knowledge_add", new Dictionary<string, object?> { ["text"] = $"Document {id} text.", ["document_id"] = id, ["project"] = "p" }, cancellationToken: Ct);
        }

        Assert.Equal(ClaudeOrchestrationMcpNames.KnowledgeUri, await updated.Task.WaitAsync(Ct));
        var read = await host.Client.ReadResourceAsync(ClaudeOrchestrationMcpNames.KnowledgeUri, cancellationToken: Ct);
        var collection = JsonDocument.Parse(Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text).RootElement.GetProperty("collections")[0];
        Assert.True(collection.GetProperty("is_knowledge_base").GetBoolean());
        Assert.Equal(2, collection.GetProperty("documents").GetInt32());
        Assert.Equal(2, collection.GetProperty("chunks").GetInt32());
        Assert.Equal("p", collection.GetProperty("projects")[0].GetString());
    }

    [Fact]
    public async Task Prompts_OnePerTaskType_RenderTheServersTemplate()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);

        var prompts = await host.Client.ListPromptsAsync(cancellationToken: Ct);
        Assert.Contains(prompts, p => p.Name == "task_code_review");
        Assert.Equal(7, prompts.Count);
        var review = prompts.Single(p => p.Name == "task_code_review").ProtocolPrompt;
        Assert.Contains(review.Arguments!, a => a.Name == "description" && a.Required == true);

        var rendered = await host.Client.GetPromptAsync("task_code_review", new Dictionary<string, object?>
        {
            ["description"] = "src/Parser.cs",
            ["parameters"] = "focus=security",
        }, cancellationToken: Ct);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(rendered.Messages).Content).Text;
        Assert.StartsWith("Review the code described below.", text, StringComparison.Ordinal);
        Assert.Contains("src/Parser.cs", text, StringComparison.Ordinal);
        Assert.Contains("- focus: security", text, StringComparison.Ordinal);

        await Assert.ThrowsAsync<McpProtocolException>(() => host.Client.GetPromptAsync("task_code_review", cancellationToken: Ct).AsTask());
    }

    [Fact]
    public async Task CodeGeneration_RunsTheRealCli_ReturnsOutputWithProgress()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        host.Cli.Server.When(r => r.LatestUserText.Contains("Write the code", StringComparison.Ordinal), ScriptedReply.Text("Wrote Greeter.cs."));
        var reports = new List<ProgressNotificationValue>();
        // A session-wide handler: the SDK client may dispatch a notification after the call's own handler is gone.
        var notified = System.Threading.Channels.Channel.CreateUnbounded<ProgressNotificationParams>();
        await using var listener = host.Client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            notified.Writer.TryWrite(JsonSerializer.Deserialize<ProgressNotificationParams>(notification.Params, McpJsonUtilities.DefaultOptions)!);
            return ValueTask.CompletedTask;
        });

        var result = await host.Client.CallToolAsync("code_generation", new Dictionary<string, object?>
        {
            ["language"] = "C#",
            ["description"] = "A greeter",
            ["requirements"] = new[] { "static", "pure" },
        }, new SynchronousProgress(reports), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        var structured = result.StructuredContent!.Value;
        Assert.Equal("Wrote Greeter.cs.", structured.GetProperty("output").GetString());
        Assert.Equal("CodeGeneration", structured.GetProperty("task_type").GetString());
        Assert.False(string.IsNullOrEmpty(structured.GetProperty("session_id").GetString()));
        var prompt = host.Cli.Server.Requests.First(r => !r.IsSideCall).LatestUserText;
        Assert.Contains("- language: C#", prompt, StringComparison.Ordinal);
        Assert.Contains("static; pure", prompt, StringComparison.Ordinal);
        Assert.StartsWith("Wrote Greeter.cs.", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
        var progress = new List<ProgressNotificationValue> { (await notified.Reader.ReadAsync(Ct)).Progress, (await notified.Reader.ReadAsync(Ct)).Progress };
        Assert.Contains(progress, p => p.Progress == 0 && p.Message!.StartsWith("Starting a Claude Code agent (CodeGeneration)", StringComparison.Ordinal));
        Assert.Contains(progress, p => p.Progress == 1 && p.Total == 1 && p.Message == "The agent finished.");
    }

    private sealed class SynchronousProgress(List<ProgressNotificationValue> reports) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
