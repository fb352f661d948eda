using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>
/// The workflow tools on top of <see cref="IWorkflowEngine"/>: start a catalog workflow, query, cancel and approve runs.
/// Runs started here tell <c>workflow://runs</c> subscribers when their status changes.
/// </summary>
internal sealed class WorkflowTools(
    IWorkflowEngine engine,
    IWorkflowCatalog catalog,
    ResourceSubscriptions subscriptions,
    ILogger<WorkflowTools>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<WorkflowTools>.Instance;

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.RunWorkflow, Title = "Run a workflow",
        Destructive = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(WorkflowRunInfo))]
    [Description(
        "Starts a workflow from the server's catalog (see the workflow://definitions resource) and returns its run id at once. " +
        "With wait: true it returns when the run ends or stops at an approval, reporting progress per node; cancelling the call then cancels the run.")]
    public async Task<CallToolResult> RunWorkflowAsync(
        RequestContext<CallToolRequestParams> context,
        [Description("The workflow's name in the server's catalog.")] string workflow,
        [Description("The run's inputs: a JSON object of values by input name.")] JsonElement? inputs = null,
        [Description("Wait until the run ends or waits for an approval (default false: return the run id at once).")] bool wait = false,
        CancellationToken cancellationToken = default)
    {
        var name = ToolArguments.RequireText(workflow, nameof(workflow), 200);
        var definition = catalog.Find(name)?.Definition
            ?? throw new McpException($"There is no workflow '{name}' in this server's catalog; known: {KnownWorkflows()}.");
        var values = ParseInputs(inputs);

        WorkflowRun run;
        try
        {
            run = await engine.StartAsync(definition, values, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowValidationException ex)
        {
            throw new McpException(
                $"The inputs do not fit workflow '{name}': {ToolArguments.Safe(string.Join("; ", ex.Errors.Select(e => e.Message)))}", ex);
        }

        ServerLog.WorkflowStarted(_logger, name, run.RunId);
        // Progress is sent (and awaited) through the server, so every report reaches the client before the result does.
        Func<ProgressNotificationValue, Task>? notify = wait && context.Params?.ProgressToken is not null
            ? value => ToolArguments.ReportProgressAsync(context, value)
            : null;
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tracker = new RunTracker(run, definition.Nodes.Count, subscriptions, settled, notify);
        tracker.Report($"Started run {run.RunId} of '{name}'.", 0);
        _ = tracker.FollowAsync();

        var action = "started";
        if (wait)
        {
            try
            {
                await settled.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The MCP request was cancelled: the run it waits for goes with it (its Claude processes end).
                await engine.CancelAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            finally
            {
                await tracker.StopReportingAsync().ConfigureAwait(false);
            }

            action = null;
        }

        return await StatusResultAsync(run.RunId, action, cancellationToken).ConfigureAwait(false);
    }

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.WorkflowStatus, Title = "Workflow run status",
        ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(WorkflowRunInfo))]
    [Description("A workflow run's status, node states, outputs and pending approvals.")]
    public Task<CallToolResult> WorkflowStatusAsync(
        [Description("The run's id, as run_workflow returned it.")] string run_id,
        CancellationToken cancellationToken = default) =>
        StatusResultAsync(CheckRunId(run_id), null, cancellationToken);

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.CancelWorkflow, Title = "Cancel a workflow run",
        Destructive = true, Idempotent = true, UseStructuredContent = true, OutputSchemaType = typeof(WorkflowRunInfo))]
    [Description("Cancels a workflow run: its running nodes (and their Claude processes) stop and nothing else starts.")]
    public async Task<CallToolResult> CancelWorkflowAsync(
        [Description("The run's id, as run_workflow returned it.")] string run_id,
        CancellationToken cancellationToken = default)
    {
        var id = await RequireRunAsync(run_id, cancellationToken).ConfigureAwait(false);
        var cancelled = await engine.CancelAsync(id, cancellationToken).ConfigureAwait(false);
        await NotifyRunChangedAsync(subscriptions, id, cancellationToken).ConfigureAwait(false);
        return await StatusResultAsync(id, cancelled ? "cancelled" : "not_cancelled", cancellationToken).ConfigureAwait(false);
    }

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.ApproveWorkflow, Title = "Approve or reject a workflow step",
        Destructive = true, UseStructuredContent = true, OutputSchemaType = typeof(WorkflowRunInfo))]
    [Description("Decides a workflow run's pending approval; approving lets the run go on, rejecting fails the approval node.")]
    public async Task<CallToolResult> ApproveWorkflowAsync(
        [Description("The run's id, as run_workflow returned it.")] string run_id,
        [Description("approve or reject.")] string decision,
        [Description("The approval node's path (pending_approvals[].node_path); may be left out when exactly one approval is pending.")] string? node_path = null,
        [Description("A comment stored with the decision.")] string? comment = null,
        CancellationToken cancellationToken = default)
    {
        var id = await RequireRunAsync(run_id, cancellationToken).ConfigureAwait(false);
        var approve = decision?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" => true,
            "reject" or "rejected" => false,
            _ => throw new McpException($"'decision' must be approve or reject; got '{ToolArguments.Safe(decision)}'."),
        };
        var note = ToolArguments.OptionalText(comment, nameof(comment), 10_000);
        var pending = (await engine.GetStatusAsync(id, cancellationToken).ConfigureAwait(false))?.PendingApprovals ?? [];
        var path = string.IsNullOrWhiteSpace(node_path)
            ? pending.Count == 1 ? pending[0].NodePath : throw new McpException(
                pending.Count == 0
                    ? $"Run '{id}' has no pending approval."
                    : $"Run '{id}' has {pending.Count} pending approvals; name one with 'node_path': {string.Join(", ", pending.Select(p => p.NodePath))}.")
            : ToolArguments.RequireText(node_path, nameof(node_path), 1000);
        if (!pending.Any(p => string.Equals(p.NodePath, path, StringComparison.Ordinal)))
        {
            throw new McpException(pending.Count == 0
                ? $"Run '{id}' has no pending approval at '{path}' (it has none pending)."
                : $"Run '{id}' has no pending approval at '{path}'; pending: {string.Join(", ", pending.Select(p => p.NodePath))}.");
        }

        if (!await engine.DecideApprovalAsync(id, path, approve, note, "mcp", cancellationToken).ConfigureAwait(false))
        {
            throw new McpException($"The approval at '{path}' of run '{id}' was already decided.");
        }

        await NotifyRunChangedAsync(subscriptions, id, cancellationToken).ConfigureAwait(false);
        return await StatusResultAsync(id, approve ? "approved" : "rejected", cancellationToken).ConfigureAwait(false);
    }

    internal static string CheckRunId(string? runId)
    {
        ToolArguments.RequireText(runId, "run_id", 200);
        if (!runId!.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new McpException("'run_id' may contain only letters, digits, '-', '_' and '.'.");
        }

        return runId!;
    }

    internal static Task NotifyRunChangedAsync(ResourceSubscriptions subscriptions, string runId, CancellationToken cancellationToken) =>
        Task.WhenAll(
            subscriptions.NotifyUpdatedAsync(ClaudeOrchestrationMcpNames.WorkflowRunUri(runId), cancellationToken),
            subscriptions.NotifyUpdatedAsync(ClaudeOrchestrationMcpNames.WorkflowRunsUri, cancellationToken));

    private static Dictionary<string, JsonNode?>? ParseInputs(JsonElement? inputs)
    {
        if (inputs is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new McpException($"'inputs' must be a JSON object of input values by name; got {element.ValueKind.ToString().ToLowerInvariant()}.");
        }

        return JsonObject.Create(element)!.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
    }

    private async Task<string> RequireRunAsync(string? runId, CancellationToken cancellationToken)
    {
        var id = CheckRunId(runId);
        _ = await engine.GetStatusAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new McpException($"There is no workflow run '{id}'.");
        return id;
    }

    private async Task<CallToolResult> StatusResultAsync(string runId, string? action, CancellationToken cancellationToken)
    {
        var snapshot = await engine.GetStatusAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new McpException($"There is no workflow run '{runId}'.");
        var info = WorkflowResources.Info(snapshot, action);
        var text = new StringBuilder()
            .Append("Run ").Append(info.RunId).Append(" of '").Append(info.Workflow).Append("': ").Append(info.Status);
        if (action is not null)
        {
            text.Append(" (").Append(action.Replace('_', ' ')).Append(')');
        }

        if (info.Error is not null)
        {
            text.Append(". ").Append(ToolArguments.Safe(info.Error));
        }

        text.Append(". Nodes: ").Append(info.Nodes.Count == 0 ? "none finished yet" : string.Join(", ", info.Nodes.Select(n => $"{n.NodePath} {n.Status}")));
        foreach (var approval in info.PendingApprovals)
        {
            text.Append(". Waiting for approval at '").Append(approval.NodePath).Append('\'');
            if (approval.Message is not null)
            {
                text.Append(": ").Append(ToolArguments.Safe(approval.Message));
            }
        }

        if (info.Outputs is { Count: > 0 } outputs)
        {
            text.Append(". Outputs: ").Append(JsonSerializer.Serialize(outputs, McpContractsJsonContext.Default.IReadOnlyDictionaryStringJsonNode));
        }

        return ToolArguments.Result(text.Append('.').ToString(), info, McpContractsJsonContext.Default.WorkflowRunInfo);
    }

    private string KnownWorkflows()
    {
        var names = catalog.Definitions.Select(d => d.Name).ToList();
        return names.Count == 0 ? "(the catalog cannot list them)" : string.Join(", ", names);
    }

    /// <summary>
    /// Follows one run's events: tells subscribers when its status changes, reports node progress while a caller waits, and
    /// settles when the run ends or stops at an approval. Never throws.
    /// </summary>
    private sealed class RunTracker(WorkflowRun run, int total, ResourceSubscriptions subscriptions, TaskCompletionSource settled, Func<ProgressNotificationValue, Task>? notify)
    {
        private readonly Lock _gate = new();
        private Func<ProgressNotificationValue, Task>? _notify = notify;
        // Reports are sent one after another: sent concurrently they could overtake each other on the transport, and the
        // spec wants a client to see progress grow (a "run ended" report must not arrive before "started").
        private Task _reports = Task.CompletedTask;
        private int _finished;

        public async Task StopReportingAsync()
        {
            Task reports;
            lock (_gate)
            {
                _notify = null;
                reports = _reports;
            }

            await reports.ConfigureAwait(false);
        }

        public void Report(string message, int done)
        {
            lock (_gate)
            {
                if (_notify is { } send)
                {
                    _reports = SendAfterAsync(_reports, send, new ProgressNotificationValue { Progress = Math.Min(done, total), Total = total, Message = message });
                }
            }
        }

        // The send never throws (a report that cannot be sent is dropped), so one failure does not stop the later ones.
        private static async Task SendAfterAsync(Task previous, Func<ProgressNotificationValue, Task> send, ProgressNotificationValue value)
        {
            await previous.ConfigureAwait(false);
            await send(value).ConfigureAwait(false);
        }

        public async Task FollowAsync()
        {
            try
            {
                await foreach (var @event in run.ReadEventsAsync().ConfigureAwait(false))
                {
                    Observe(@event);
                    if (@event is RunStartedEvent or ApprovalRequestedEvent or RunFinishedEvent)
                    {
                        await NotifyRunChangedAsync(subscriptions, run.RunId, CancellationToken.None).ConfigureAwait(false);
                    }

                    if (@event is ApprovalRequestedEvent or RunFinishedEvent)
                    {
                        settled.TrySetResult();
                    }
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Following is best effort; the run itself goes on and its state stays in the store.
            }
            finally
            {
                settled.TrySetResult();
            }
        }

        private void Observe(WorkflowEvent @event)
        {
            var message = @event switch
            {
                NodeFinishedEvent f when IsTopLevel(f.NodePath) => $"{f.NodePath}: {f.Status}",
                NodeSkippedEvent s when IsTopLevel(s.NodePath) => $"{s.NodePath}: skipped",
                ApprovalRequestedEvent a => $"Waiting for approval at '{a.NodePath}'; decide with approve_workflow.",
                RunFinishedEvent r => $"The run ended {r.Status}.",
                _ => null,
            };
            if (message is not null)
            {
                var done = @event is NodeFinishedEvent or NodeSkippedEvent ? Interlocked.Increment(ref _finished) : Volatile.Read(ref _finished);
                Report(message, done);
            }
        }

        private static bool IsTopLevel(string path) => path.IndexOfAny(['/', '[']) < 0;
    }
}
