using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Dify;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Workflows.Nodes;

/// <summary>
/// Runs a <c>dify</c> node: the published workflow of a Dify app through <see cref="IDifyClient"/>, streaming by default
/// (text chunks become <see cref="Execution.NodeTextEvent"/>s, a dropped stream is resumed, cancelling stops the Dify task).
/// </summary>
/// <remarks>
/// Inputs: <c>user</c> (required: Dify's end-user id), <c>client</c> (the key of an <c>AddKeyedDifyClient</c> registration;
/// absent: the unkeyed <c>AddDifyClient</c> one), <c>inputs</c> (the Dify workflow's input variables), <c>responseMode</c>
/// (<c>streaming</c>, the default, or <c>blocking</c>), <c>workflowVersionId</c>, <c>idempotencyInput</c> (a Dify input variable
/// that receives the node's idempotency key). Outputs: each of Dify's outputs by name, and <c>outputs</c> (all of them as one
/// object), <c>workflow_run_id</c>, <c>task_id</c>, <c>status</c>, <c>elapsed_time</c>, <c>total_tokens</c>, <c>total_steps</c>,
/// <c>text</c> (the streamed text chunks joined). At-least-once: Dify has no idempotency key, so a retry or a resume after a crash
/// starts a new Dify run.
/// </remarks>
public sealed class DifyNodeHandler : WorkflowNodeHandler
{
    /// <summary>The <c>responseMode</c> that streams (the default).</summary>
    public const string StreamingMode = "streaming";

    /// <summary>The <c>responseMode</c> that waits for the whole run in one request (no text chunks; Dify cannot stop it).</summary>
    public const string BlockingMode = "blocking";

    internal static readonly IReadOnlyList<WorkflowNodeInput> InputSpecs =
    [
        WorkflowNodeInput.Require("user", WorkflowValueType.String),
        WorkflowNodeInput.Optional("client", WorkflowValueType.String),
        WorkflowNodeInput.Optional("inputs", WorkflowValueType.Object),
        WorkflowNodeInput.Optional("responseMode", WorkflowValueType.String),
        WorkflowNodeInput.Optional("workflowVersionId", WorkflowValueType.String),
        WorkflowNodeInput.Optional("idempotencyInput", WorkflowValueType.String),
    ];

    // Output names the handler sets itself; a Dify output with one of these names is still under "outputs".
    private static readonly HashSet<string> ReservedOutputs =
        new(["outputs", "workflow_run_id", "task_id", "status", "elapsed_time", "total_tokens", "total_steps", "text"], StringComparer.Ordinal);

    /// <inheritdoc />
    public override string NodeType => WorkflowNodeTypes.Dify;

    /// <inheritdoc />
    public override IReadOnlyList<WorkflowNodeInput> Inputs => InputSpecs;

    /// <inheritdoc />
    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.GetRequiredString("user");
        var mode = context.GetString("responseMode") ?? StreamingMode;
        if (mode is not (StreamingMode or BlockingMode))
        {
            throw new WorkflowNodeException($"Node '{context.NodePath}': responseMode '{mode}' must be {StreamingMode} or {BlockingMode}.") { Transient = false };
        }

        var client = ResolveClient(context);
        var inputs = context.Inputs.TryGetValue("inputs", out var value) && value is JsonObject given ? (JsonObject)given.DeepClone() : [];
        if (context.GetString("idempotencyInput") is { } keyInput)
        {
            inputs[keyInput] = context.IdempotencyKey;
        }

        var request = new DifyWorkflowRunRequest { Inputs = inputs, User = user, WorkflowVersionId = context.GetString("workflowVersionId") };
        var text = new System.Text.StringBuilder();
        DifyWorkflowRunResult result;
        try
        {
            result = mode == BlockingMode
                ? await client.RunWorkflowAsync(request, cancellationToken).ConfigureAwait(false)
                : await client.RunWorkflowStreamingAsync(request, (e, _) =>
                {
                    if (e is DifyTextChunkEvent chunk)
                    {
                        text.Append(chunk.Data.Text);
                        context.ReportText(chunk.Data.Text);
                    }

                    return default;
                }, cancellationToken).ConfigureAwait(false);
        }
        catch (DifyApiException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var run = ex.WorkflowRunId is null ? "" : $" (Dify run {ex.WorkflowRunId})";
            throw new WorkflowNodeException($"The Dify workflow of node '{context.NodePath}' failed{run}: {ex.Message}", ex) { Transient = IsTransient(ex) };
        }

        if (result.Status is not (DifyWorkflowStatus.Succeeded or DifyWorkflowStatus.PartialSucceeded))
        {
            var detail = result.Status == DifyWorkflowStatus.Paused
                ? "paused for human input; submit the form in Dify and follow the run there"
                : $"ended {result.Status}: {result.Data.Error ?? "no error given"}";
            throw new WorkflowNodeException($"The Dify workflow of node '{context.NodePath}' (Dify run {result.WorkflowRunId}) {detail}")
            {
                // A paused run waits for a person; another attempt would start a second run.
                Transient = result.Status != DifyWorkflowStatus.Paused,
            };
        }

        return WorkflowNodeResult.FromOutputs(Outputs(result, text.ToString()));
    }

    private static IDifyClient ResolveClient(WorkflowNodeContext context)
    {
        if (context.GetString("client") is not { } name)
        {
            return context.Services.GetService<IDifyClient>()
                ?? throw new WorkflowNodeException(
                    $"Node '{context.NodePath}' needs an IDifyClient; call services.AddDifyClient(...), or set 'client' to the name of an AddKeyedDifyClient registration.")
                { Transient = false };
        }

        return (context.Services as IKeyedServiceProvider)?.GetKeyedService(typeof(IDifyClient), name) as IDifyClient
            ?? throw new WorkflowNodeException(
                $"Node '{context.NodePath}' names the Dify client '{name}', but none is registered under that key; call services.AddKeyedDifyClient(\"{name}\", ...).")
            { Transient = false };
    }

    /// <summary>
    /// Whether another attempt can succeed: not when Dify refused the request for what it is (key, plan, unknown version,
    /// bad inputs). Everything else (errors inside the stream, quota, 429, 5xx, drops) is left to the node's retry policy.
    /// </summary>
    private static bool IsTransient(DifyApiException ex) =>
        ex.StatusCode is not (401 or 403 or 404) && ex.Code is not ("invalid_param" or "not_workflow_app" or "bad_request" or "unauthorized" or "workflow_version_execution_not_allowed");

    private static Dictionary<string, JsonNode?> Outputs(DifyWorkflowRunResult result, string text)
    {
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var all = new JsonObject();
        foreach (var (name, element) in result.Data.Outputs ?? new Dictionary<string, JsonElement>())
        {
            all[name] = JsonNode.Parse(element.GetRawText());
            if (!ReservedOutputs.Contains(name))
            {
                outputs[name] = JsonNode.Parse(element.GetRawText());
            }
        }

        outputs["outputs"] = all;
        outputs["workflow_run_id"] = result.WorkflowRunId;
        outputs["task_id"] = result.TaskId;
        outputs["status"] = result.Status;
        outputs["elapsed_time"] = result.Data.ElapsedTime;
        outputs["total_tokens"] = result.Data.TotalTokens;
        outputs["total_steps"] = result.Data.TotalSteps;
        outputs["text"] = text;
        return outputs;
    }
}
