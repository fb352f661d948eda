using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Diagnostics;
using ClaudeOrchestration.Workflows.Expressions;

namespace ClaudeOrchestration.Workflows.Execution;

public sealed partial class WorkflowEngine
{
    private const string ConditionalBranchOutput = "branch";

    private void PublishStarted(RunState run, string path, string type) =>
        run.Publish(new NodeStartedEvent { RunId = run.RunId, Timestamp = _time.GetUtcNow(), NodePath = path, NodeType = type });

    private static Dictionary<string, JsonNode?> RunConditional(Scope scope, WorkflowNodeDefinition node, Dictionary<string, JsonNode?> inputs)
    {
        var condition = inputs["condition"]!.GetValue<string>();
        var result = WorkflowExpression.EvaluateCondition(condition, scope.Resolve);
        return new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["result"] = result,
            [ConditionalBranchOutput] = result ? "then" : "else",
            ["thenTargets"] = node.Inputs.TryGetValue("then", out var then) ? then?.DeepClone() : new JsonArray(),
            ["elseTargets"] = node.Inputs.TryGetValue("else", out var @else) ? @else?.DeepClone() : new JsonArray(),
        };
    }

    private async Task<Dictionary<string, JsonNode?>> RunParallelAsync(
        RunState run, Scope scope, WorkflowNodeDefinition node, string path, Dictionary<string, JsonNode?> inputs, CancellationToken cancellationToken)
    {
        PublishStarted(run, path, node.Type);
        var mode = inputs.TryGetValue("mode", out var m) && m is JsonValue mv ? mv.GetValue<string>() : "all";
        var needed = mode switch
        {
            "any" => 1,
            "first" => WorkflowTemplate.ToElement((JsonValue)inputs["count"]!).GetInt32(),
            _ => node.Nodes.Count,
        };
        var branches = new Scope { Run = run, Parent = scope, Prefix = path + "/" };
        await RunScopeAsync(run, branches, node.Nodes, path, cancellationToken,
            stopAfterCompleted: mode == "all" ? null : needed, tolerateFailures: mode != "all").ConfigureAwait(false);

        var results = new JsonObject();
        var completed = new JsonArray();
        // The barrier's winners: the first N to complete (all of them in 'all' mode).
        foreach (var id in branches.CompletionOrder.Take(needed))
        {
            results[id] = ToJson(branches.Nodes[id].Outputs);
            completed.Add((JsonNode)JsonValue.Create(id));
        }

        if (completed.Count < needed)
        {
            throw new WorkflowNodeException($"parallel node '{path}' needed {needed} completed branch(es) ({mode}); {completed.Count} completed") { Transient = false };
        }

        return new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["results"] = results, ["completed"] = completed, ["count"] = completed.Count };
    }

    private async Task<Dictionary<string, JsonNode?>> RunLoopAsync(
        RunState run, Scope scope, WorkflowNodeDefinition node, string path, Dictionary<string, JsonNode?> inputs, CancellationToken cancellationToken)
    {
        PublishStarted(run, path, node.Type);
        var max = WorkflowTemplate.ToElement((JsonValue)inputs["maxIterations"]!).GetInt32();
        if (max > _options.MaxLoopIterations)
        {
            throw new WorkflowNodeException($"loop '{path}' asks for {max} iterations; the engine allows {_options.MaxLoopIterations} (WorkflowEngineOptions.MaxLoopIterations)") { Transient = false };
        }

        JsonArray? items = null;
        if (inputs.TryGetValue("items", out var itemsValue))
        {
            items = itemsValue as JsonArray
                ?? throw new WorkflowNodeException($"loop '{path}': 'items' resolved to {WorkflowTemplate.KindOf(itemsValue)}, not a list") { Transient = false };
            if (items.Count > max)
            {
                throw new WorkflowNodeException($"loop '{path}' has {items.Count} items and maxIterations is {max}") { Transient = false };
            }
        }

        var condition = inputs.TryGetValue("while", out var w) && w is JsonValue wv ? wv.GetValue<string>() : null;
        var results = new JsonArray();
        JsonObject? last = null;
        var iteration = 0;
        var exhausted = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (items is not null && iteration >= items.Count)
            {
                break;
            }

            var body = new Scope
            {
                Run = run,
                Parent = scope,
                Prefix = $"{path}[{iteration}]/",
                IsLoop = true,
                LoopIndex = iteration,
                LoopItem = items?[iteration],
                LoopLast = last,
            };
            if (condition is not null)
            {
                if (!WorkflowExpression.EvaluateCondition(condition, body.Resolve))
                {
                    break;
                }

                if (iteration >= max)
                {
                    exhausted = true;
                    break;
                }
            }

            await RunScopeAsync(run, body, node.Nodes, path, cancellationToken).ConfigureAwait(false);
            last = new JsonObject();
            foreach (var (id, record) in body.Nodes)
            {
                last[id] = new JsonObject
                {
                    ["status"] = record.Status.ToString().ToLowerInvariant(),
                    ["outputs"] = ToJson(record.Outputs),
                };
            }

            results.Add(last.DeepClone());
            iteration++;
        }

        return new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["iterations"] = iteration,
            ["exhausted"] = exhausted,
            ["last"] = last?.DeepClone(),
            ["results"] = results,
        };
    }

    private async Task<Dictionary<string, JsonNode?>> RunSubWorkflowAsync(
        RunState run, Scope scope, WorkflowNodeDefinition node, string path, Dictionary<string, JsonNode?> inputs, CancellationToken cancellationToken)
    {
        PublishStarted(run, path, node.Type);
        var childInputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (inputs.TryGetValue("inputs", out var given) && given is JsonObject givenObject)
        {
            foreach (var (name, value) in givenObject)
            {
                childInputs[name] = value?.DeepClone();
            }
        }

        IReadOnlyList<WorkflowNodeDefinition> nodes = node.Nodes;
        IReadOnlyDictionary<string, JsonNode?>? outputTemplates = null;
        if (nodes.Count == 0)
        {
            var name = inputs["workflow"]!.GetValue<string>();
            var definition = _catalog?.Find(name)?.Definition
                ?? throw new WorkflowNodeException($"subworkflow '{path}' names workflow '{name}', which is not in the catalog (register it with AddWorkflows().AddDefinition(...))") { Transient = false };
            var errors = Validate(definition);
            if (errors.Count > 0)
            {
                throw new WorkflowValidationException(definition.Name, errors);
            }

            childInputs = new Dictionary<string, JsonNode?>(ValidateInputs(definition, childInputs, $"{definition.Name} (called by '{path}')"), StringComparer.Ordinal);
            nodes = definition.Nodes;
            outputTemplates = definition.Outputs;
        }

        var child = new Scope { Run = run, Parent = scope, Isolated = true, Prefix = path + "/", Inputs = childInputs };
        await RunScopeAsync(run, child, nodes, path, cancellationToken).ConfigureAwait(false);
        if (outputTemplates is not null)
        {
            return new Dictionary<string, JsonNode?>(ResolveOutputs(outputTemplates, child), StringComparer.Ordinal);
        }

        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (id, record) in child.Nodes)
        {
            outputs[id] = ToJson(record.Outputs);
        }

        return outputs;
    }

    private async Task<Dictionary<string, JsonNode?>> RunApprovalAsync(RunState run, string path, Dictionary<string, JsonNode?> inputs, CancellationToken cancellationToken)
    {
        PublishStarted(run, path, WorkflowNodeTypes.Approval);
        var message = inputs.TryGetValue("message", out var m) && m is JsonValue mv ? mv.GetValue<string>() : null;
        var failOnReject = !(inputs.TryGetValue("failOnReject", out var f) && f is JsonValue fv && fv.GetValueKind() == JsonValueKind.False);
        TimeSpan? timeout = _options.DefaultApprovalTimeout;
        if (inputs.TryGetValue("timeout", out var t) && t is JsonValue tv)
        {
            timeout = TimeSpan.TryParse(tv.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero
                ? parsed
                : throw new WorkflowNodeException($"approval '{path}': timeout '{tv}' is not a positive hh:mm:ss duration") { Transient = false };
        }

        // Register the waiter before reading the store, so a decision made in between is not missed.
        var waiter = run.ApprovalWaiters.GetOrAdd(path, _ => new TaskCompletionSource<WorkflowApprovalRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            var request = await _store.GetApprovalAsync(run.RunId, path, cancellationToken).ConfigureAwait(false);
            if (request is null)
            {
                var now = _time.GetUtcNow();
                request = new WorkflowApprovalRecord { RunId = run.RunId, NodePath = path, Message = message, RequestedAt = now, ExpiresAt = now + timeout };
                await _store.SaveApprovalAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var decision = request;
            if (request.Decision is null)
            {
                await SetWaitingAsync(run, +1).ConfigureAwait(false);
                try
                {
                    Log.ApprovalRequested(_logger, run.RunId, path);
                    run.Publish(new ApprovalRequestedEvent { RunId = run.RunId, Timestamp = _time.GetUtcNow(), NodePath = path, Message = request.Message, ExpiresAt = request.ExpiresAt });
                    decision = await WaitForDecisionAsync(run, request, waiter.Task, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await SetWaitingAsync(run, -1).ConfigureAwait(false);
                }
            }

            if (decision.Decision != WorkflowApprovalDecision.Approved && failOnReject)
            {
                throw new WorkflowNodeException(
                    $"approval '{path}' was {(decision.Decision == WorkflowApprovalDecision.TimedOut ? "not decided in time" : "rejected")}"
                    + (decision.Comment is null ? "" : $": {decision.Comment}")) { Transient = false };
            }

            return new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                ["approved"] = decision.Decision == WorkflowApprovalDecision.Approved,
                ["decision"] = decision.Decision switch
                {
                    WorkflowApprovalDecision.Approved => "approved",
                    WorkflowApprovalDecision.Rejected => "rejected",
                    _ => "timed_out",
                },
                ["comment"] = decision.Comment,
                ["decidedBy"] = decision.DecidedBy,
            };
        }
        finally
        {
            run.ApprovalWaiters.TryRemove(path, out _);
        }
    }

    private async Task<WorkflowApprovalRecord> WaitForDecisionAsync(
        RunState run, WorkflowApprovalRecord request, Task<WorkflowApprovalRecord> decided, CancellationToken cancellationToken)
    {
        if (request.ExpiresAt is { } expiresAt)
        {
            var remaining = expiresAt - _time.GetUtcNow();
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var expiry = remaining > TimeSpan.Zero ? Task.Delay(remaining, _time, timer.Token) : Task.CompletedTask;
            var first = await Task.WhenAny(decided, expiry).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
            if (first == decided)
            {
                return await decided.ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();

            // A decision stored by another engine instance wins over the timeout.
            var stored = await _store.GetApprovalAsync(run.RunId, request.NodePath, CancellationToken.None).ConfigureAwait(false);
            if (stored?.Decision is not null)
            {
                return stored;
            }

            var timedOut = new WorkflowApprovalRecord
            {
                RunId = request.RunId,
                NodePath = request.NodePath,
                Message = request.Message,
                RequestedAt = request.RequestedAt,
                ExpiresAt = request.ExpiresAt,
                Decision = WorkflowApprovalDecision.TimedOut,
                DecidedAt = _time.GetUtcNow(),
            };
            await _store.SaveApprovalAsync(timedOut, CancellationToken.None).ConfigureAwait(false);
            Log.ApprovalDecided(_logger, run.RunId, request.NodePath, nameof(WorkflowApprovalDecision.TimedOut));
            return timedOut;
        }

        return await decided.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SetWaitingAsync(RunState run, int delta)
    {
        var pending = run.ChangePendingApprovals(delta);
        var status = pending > 0 ? WorkflowRunStatus.WaitingForApproval : WorkflowRunStatus.Running;
        if (run.Record.Status != status && !run.ShuttingDown)
        {
            run.Record = With(run.Record, status, null);
            await _store.UpdateRunAsync(run.Record, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, JsonNode?>? values)
    {
        var result = new JsonObject();
        foreach (var (name, value) in values ?? new Dictionary<string, JsonNode?>())
        {
            result[name] = value?.DeepClone();
        }

        return result;
    }
}
