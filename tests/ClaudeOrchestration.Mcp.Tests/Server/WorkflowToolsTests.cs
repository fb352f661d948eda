using System.Text.Json;
using ClaudeOrchestration.Mcp.Server;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ClaudeOrchestration.Mcp.Tests.Server;

/// <summary>The workflow tools and resources with a real <see cref="WorkflowEngine"/> (in-memory run store), through a real MCP client.</summary>
public sealed class WorkflowToolsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> BadCalls => new()
    {
        { "run_workflow", """{"workflow":""}""", "'workflow' is required" },
        { "run_workflow", """{"workflow":"deploy"}""", "There is no workflow 'deploy' in this server's catalog; known: gated, greet, slow." },
        { "run_workflow", """{"workflow":"greet","inputs":"Ada"}""", "'inputs' must be a JSON object of input values by name; got string." },
        { "run_workflow", """{"workflow":"greet","inputs":{}}""", "The inputs do not fit workflow 'greet'" },
        { "run_workflow", """{"workflow":"greet","inputs":{"name":"Ada","age":3}}""", "The inputs do not fit workflow 'greet'" },
        { "run_workflow", """{"workflow":"greet","wait":"soon"}""", "" },
        { "workflow_status", """{"run_id":""}""", "'run_id' is required" },
        { "workflow_status", """{"run_id":"../etc"}""", "'run_id' may contain only letters, digits" },
        { "workflow_status", """{"run_id":"nope"}""", "There is no workflow run 'nope'." },
        { "cancel_workflow", """{"run_id":"nope"}""", "There is no workflow run 'nope'." },
        { "cancel_workflow", """{}""", "" },
        { "approve_workflow", """{"run_id":"nope","decision":"approve"}""", "There is no workflow run 'nope'." },
        { "approve_workflow", """{"run_id":"a b","decision":"approve"}""", "'run_id' may contain only" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task CallWorkflowTool_BadArguments_ToolErrorWithClearMessage(string tool, string argumentsJson, string expected)
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson)!;

        var result = await host.Client.CallToolAsync(tool, arguments, cancellationToken: Ct);

        Assert.True(result.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.NotEmpty(await host.Client.ListToolsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task ApproveWorkflow_BadDecisionOrNodeOrAlreadyDecided_ToolErrors()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        var runId = (await CallAsync(host, "run_workflow", new() { ["workflow"] = "gated", ["wait"] = true })).GetProperty("run_id").GetString()!;

        Assert.Contains("'decision' must be approve or reject; got 'maybe'.", await ErrorAsync(host, "approve_workflow", new() { ["run_id"] = runId, ["decision"] = "maybe" }), StringComparison.Ordinal);
        Assert.Contains($"Run '{runId}' has no pending approval at 'ship'; pending: gate.", await ErrorAsync(host, "approve_workflow", new() { ["run_id"] = runId, ["decision"] = "approve", ["node_path"] = "ship" }), StringComparison.Ordinal);

        await CallAsync(host, "approve_workflow", new() { ["run_id"] = runId, ["decision"] = "reject", ["node_path"] = "gate" });
        Assert.Contains("no pending approval", await ErrorAsync(host, "approve_workflow", new() { ["run_id"] = runId, ["decision"] = "approve", ["node_path"] = "gate" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWorkflow_Wait_CompletesWithOutputsAndReportsProgress()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        // The call's own IProgress handler is removed when the call returns, and the client may dispatch a notification
        // after the response: a handler registered for the session sees every report the server sent.
        var reports = System.Threading.Channels.Channel.CreateUnbounded<ProgressNotificationParams>();
        await using var listener = host.Client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            reports.Writer.TryWrite(JsonSerializer.Deserialize<ProgressNotificationParams>(notification.Params, McpJsonUtilities.DefaultOptions)!);
            return ValueTask.CompletedTask;
        });

        var result = await host.Client.CallToolAsync("run_workflow", new Dictionary<string, object?>
        {
            ["workflow"] = "greet",
            ["inputs"] = new Dictionary<string, object?> { ["name"] = "Ada" },
            ["wait"] = true,
        }, new SynchronousProgress(_ => { }), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        var info = result.StructuredContent!.Value;
        Assert.Equal("Completed", info.GetProperty("status").GetString());
        Assert.Equal("Hello Ada", info.GetProperty("outputs").GetProperty("greeting").GetString());
        Assert.Equal("hello", info.GetProperty("nodes")[0].GetProperty("node_path").GetString());
        Assert.Contains("Completed", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
        // The server sends its reports in order, but the SDK's client hands each incoming message to its handlers on a
        // task of its own (fire and forget), so they can reach this handler in any order: check what came, not the order.
        var received = new Dictionary<string, ProgressNotificationParams>(StringComparer.Ordinal);
        while (received.Count < 3)
        {
            var report = await reports.Reader.ReadAsync(Ct);
            var message = report.Progress.Message ?? string.Empty;
            received[message.StartsWith("Started run ", StringComparison.Ordinal) ? "started" : message] = report;
        }

        Assert.Equal(new HashSet<string>(StringComparer.Ordinal) { "started", "hello: Completed", "The run ended Completed." }, received.Keys.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(0, received["started"].Progress.Progress);
        Assert.Equal(1, received["started"].Progress.Total);
        Assert.Equal(1, received["hello: Completed"].Progress.Progress);
        Assert.Equal(1, received["The run ended Completed."].Progress.Progress);
    }

    [Fact]
    public async Task RunWorkflow_NoWait_ReturnsRunIdAtOnce_StatusAndResourceShowTheRun()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        var blocker = host.Services.Blocker();

        var started = await CallAsync(host, "run_workflow", new() { ["workflow"] = "slow" });
        var runId = started.GetProperty("run_id").GetString()!;
        Assert.Equal("started", started.GetProperty("action").GetString());
        Assert.Equal(runId, await blocker.Started.WaitAsync(Ct));

        var status = await CallAsync(host, "workflow_status", new() { ["run_id"] = runId });
        Assert.Equal("Running", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("is_active").GetBoolean());

        var list = JsonDocument.Parse(await ReadAsync(host, ClaudeOrchestrationMcpNames.WorkflowRunsUri)).RootElement;
        Assert.Equal(runId, list.GetProperty("runs")[0].GetProperty("run_id").GetString());
        Assert.Equal("slow", list.GetProperty("runs")[0].GetProperty("workflow").GetString());
        var one = JsonDocument.Parse(await ReadAsync(host, ClaudeOrchestrationMcpNames.WorkflowRunUri(runId))).RootElement;
        Assert.Equal("Running", one.GetProperty("status").GetString());

        var cancelled = await CallAsync(host, "cancel_workflow", new() { ["run_id"] = runId });
        Assert.Equal("cancelled", cancelled.GetProperty("action").GetString());
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(runId, await blocker.Cancelled.WaitAsync(Ct));
        Assert.Equal("not_cancelled", (await CallAsync(host, "cancel_workflow", new() { ["run_id"] = runId })).GetProperty("action").GetString());
        var missing = await Assert.ThrowsAsync<McpProtocolException>(() => host.Client.ReadResourceAsync(ClaudeOrchestrationMcpNames.WorkflowRunUri("nope"), cancellationToken: Ct).AsTask());
        Assert.Equal(McpErrorCode.ResourceNotFound, missing.ErrorCode);
    }

    [Fact]
    public async Task RunWorkflow_WaitAndClientCancels_RunIsCancelled()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);
        var blocker = host.Services.Blocker();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = host.Client.CallToolAsync("run_workflow", new Dictionary<string, object?> { ["workflow"] = "slow", ["wait"] = true }, cancellationToken: cancel.Token).AsTask();
        var runId = await blocker.Started.WaitAsync(Ct);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal("run_workflow", await host.CompletedCalls.ReadAsync(Ct));
        Assert.Equal(runId, await blocker.Cancelled.WaitAsync(Ct));
        var snapshot = await host.Services.GetRequiredService<IWorkflowEngine>().GetStatusAsync(runId, Ct);
        Assert.Equal(WorkflowRunStatus.Cancelled, snapshot!.Run.Status);
        Assert.Equal("Cancelled", (await CallAsync(host, "workflow_status", new() { ["run_id"] = runId })).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ApproveWorkflow_PausedRun_ResumesAndCompletes_SubscribersHearOfIt()
    {
        // resources/subscribe exists up to protocol 2025-11-25 (2026-07-28 moves it to subscriptions/listen).
        await using var host = await McpTestHost.StartAsync(protocolVersion: "2025-11-25", cancellationToken: Ct);
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();

        var paused = await CallAsync(host, "run_workflow", new() { ["workflow"] = "gated", ["wait"] = true });
        var runId = paused.GetProperty("run_id").GetString()!;
        Assert.Equal("WaitingForApproval", paused.GetProperty("status").GetString());
        var approval = paused.GetProperty("pending_approvals")[0];
        Assert.Equal("gate", approval.GetProperty("node_path").GetString());
        Assert.Equal("Ship ship v2?", approval.GetProperty("message").GetString());

        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await host.Client.SubscribeToResourceAsync(ClaudeOrchestrationMcpNames.WorkflowRunUri(runId), (notification, _) =>
        {
            updated.TrySetResult(notification.Uri);
            return ValueTask.CompletedTask;
        }, cancellationToken: Ct);

        // Watch before deciding, so the run's end cannot be missed.
        await using var events = engine.WatchAsync(runId, Ct).GetAsyncEnumerator(Ct);
        var next = events.MoveNextAsync();
        var approved = await CallAsync(host, "approve_workflow", new() { ["run_id"] = runId, ["decision"] = "approve", ["comment"] = "go" });
        Assert.Equal("approved", approved.GetProperty("action").GetString());
        Assert.Equal(ClaudeOrchestrationMcpNames.WorkflowRunUri(runId), await updated.Task.WaitAsync(Ct));

        while (await next)
        {
            if (events.Current is RunFinishedEvent finished)
            {
                Assert.Equal(WorkflowRunStatus.Completed, finished.Status);
                break;
            }

            next = events.MoveNextAsync();
        }

        var status = await CallAsync(host, "workflow_status", new() { ["run_id"] = runId });
        Assert.Equal("Completed", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("outputs").GetProperty("shipped").GetBoolean());
        Assert.Empty(status.GetProperty("pending_approvals").EnumerateArray());
        var resource = JsonDocument.Parse(await ReadAsync(host, ClaudeOrchestrationMcpNames.WorkflowRunUri(runId))).RootElement;
        Assert.Equal("Completed", resource.GetProperty("status").GetString());
        Assert.Contains(resource.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("node_path").GetString() == "gate" && n.GetProperty("status").GetString() == "Completed");
    }

    [Fact]
    public async Task DefinitionsResource_ListsTheCatalogWithMermaid()
    {
        await using var host = await McpTestHost.StartAsync(cancellationToken: Ct);

        var resources = await host.Client.ListResourcesAsync(cancellationToken: Ct);
        var templates = await host.Client.ListResourceTemplatesAsync(cancellationToken: Ct);
        var definitions = JsonDocument.Parse(await ReadAsync(host, ClaudeOrchestrationMcpNames.WorkflowDefinitionsUri)).RootElement.GetProperty("workflows");

        Assert.Contains(resources, r => r.Uri == ClaudeOrchestrationMcpNames.WorkflowRunsUri);
        Assert.Contains(templates, t => t.UriTemplate == ClaudeOrchestrationMcpNames.WorkflowRunUriTemplate);
        Assert.Equal(["gated", "greet", "slow"], definitions.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        var greet = definitions[1];
        Assert.Equal("name", greet.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.StartsWith("flowchart", greet.GetProperty("mermaid").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> CallAsync(McpTestHost host, string tool, Dictionary<string, object?> arguments)
    {
        var result = await host.Client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        Assert.True(result.IsError != true, string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        return result.StructuredContent!.Value;
    }

    private static async Task<string> ErrorAsync(McpTestHost host, string tool, Dictionary<string, object?> arguments)
    {
        var result = await host.Client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        Assert.True(result.IsError);
        return Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
    }

    private static async Task<string> ReadAsync(McpTestHost host, string uri) =>
        Assert.IsType<TextResourceContents>(Assert.Single((await host.Client.ReadResourceAsync(uri, cancellationToken: Ct)).Contents)).Text;

    /// <summary>Hands progress on as it arrives (no synchronization context hop, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
