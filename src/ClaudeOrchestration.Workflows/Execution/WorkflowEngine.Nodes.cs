using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Diagnostics;
using ClaudeOrchestration.Workflows.Expressions;
using ClaudeOrchestration.Workflows.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ClaudeOrchestration.Workflows.Execution;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Runs one scope's nodes as a DAG: a node starts when all its dependencies have finished; completions arrive on a
    /// channel, so a 1,000-wide fan-out costs O(n), not O(n²) as <c>Task.WhenAny</c> would.
    /// The fan-in barrier for any/first-N is <c>stopAfterCompleted</c>: the rest stop once that many nodes completed;
    /// <c>tolerateFailures</c> records failed branches without failing the scope.
    /// </summary>
    private async Task RunScopeAsync(
        RunState run, Scope scope, IReadOnlyList<WorkflowNodeDefinition> nodes, string? parentPath, CancellationToken cancellationToken,
        int? stopAfterCompleted = null, bool tolerateFailures = false)
    {
        using var scopeCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var byId = new Dictionary<string, WorkflowNodeDefinition>(nodes.Count, StringComparer.Ordinal);
        var waiting = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        var dependents = new Dictionary<string, List<WorkflowNodeDefinition>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            byId[node.Id] = node;
            waiting[node.Id] = node.DependsOn.Count;
            foreach (var dependency in node.DependsOn)
            {
                if (!dependents.TryGetValue(dependency, out var list))
                {
                    dependents[dependency] = list = [];
                }

                list.Add(node);
            }
        }

        var completions = Channel.CreateUnbounded<WorkflowNodeRecord>(new UnboundedChannelOptions { SingleReader = true });
        var outstanding = 0;
        var completed = 0;
        WorkflowNodeRecord? failure = null;
        var stopping = false;

        void Start(WorkflowNodeDefinition node)
        {
            outstanding++;
            _ = RunAndReportAsync(node);
        }

        async Task RunAndReportAsync(WorkflowNodeDefinition node)
        {
            WorkflowNodeRecord record;
            try
            {
                record = await ExecuteNodeAsync(run, scope, node, parentPath, scopeCancellation.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                record = new WorkflowNodeRecord { NodePath = scope.Prefix + node.Id, Status = WorkflowNodeStatus.Failed, Error = ex.Message };
            }

            completions.Writer.TryWrite(record);
        }

        foreach (var node in nodes)
        {
            if (node.DependsOn.Count == 0)
            {
                Start(node);
            }
        }

        while (outstanding > 0)
        {
            var record = await completions.Reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            outstanding--;
            var id = record.NodePath[(record.NodePath.LastIndexOf('/') + 1)..];
            scope.Nodes[id] = record;
            if (record.Status == WorkflowNodeStatus.Completed)
            {
                completed++;
                scope.CompletionOrder.Enqueue(id);
                if (stopAfterCompleted is { } target && completed >= target && !stopping)
                {
                    stopping = true;
                    await scopeCancellation.CancelAsync().ConfigureAwait(false);
                }
            }
            else if (record.Status == WorkflowNodeStatus.Failed && !tolerateFailures
                && (byId[id].Policy?.OnError ?? WorkflowErrorMode.FailFast) == WorkflowErrorMode.FailFast && failure is null)
            {
                failure = record;
                stopping = true;
                await scopeCancellation.CancelAsync().ConfigureAwait(false);
            }

            if (stopping || !dependents.TryGetValue(id, out var next))
            {
                continue;
            }

            foreach (var dependent in next)
            {
                if (--waiting[dependent.Id] == 0)
                {
                    Start(dependent);
                }
            }
        }

        if (failure is not null)
        {
            throw new WorkflowNodeException($"node '{failure.NodePath}' failed: {failure.Error}") { Transient = false };
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<WorkflowNodeRecord> ExecuteNodeAsync(RunState run, Scope scope, WorkflowNodeDefinition node, string? parentPath, CancellationToken cancellationToken)
    {
        var path = scope.Prefix + node.Id;
        if (run.Checkpoints.TryGetValue(path, out var checkpoint)
            && (checkpoint.Status is WorkflowNodeStatus.Completed or WorkflowNodeStatus.Skipped
                || (checkpoint.Status == WorkflowNodeStatus.Failed && node.Policy?.OnError == WorkflowErrorMode.Continue)))
        {
            // Finished before a restart: keep its outputs, do not run it again.
            return checkpoint;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new WorkflowNodeRecord { NodePath = path, Status = WorkflowNodeStatus.Cancelled, Error = run.StopReason ?? "cancelled" };
        }

        var skip = SkipReason(scope, node);
        if (skip is not null)
        {
            var skipped = new WorkflowNodeRecord { NodePath = path, Status = WorkflowNodeStatus.Skipped, Error = skip, FinishedAt = _time.GetUtcNow() };
            await CheckpointAsync(run, skipped).ConfigureAwait(false);
            run.Publish(new NodeSkippedEvent { RunId = run.RunId, Timestamp = _time.GetUtcNow(), NodePath = path, Reason = skip });
            WorkflowTelemetry.Nodes.Add(1, new("workflow.node.type", node.Type), new("workflow.node.status", "Skipped"));
            return skipped;
        }

        using var activity = WorkflowTelemetry.Source.StartActivity($"workflow.node {node.Id}", ActivityKind.Internal);
        activity?.SetTag("workflow.run_id", run.RunId);
        activity?.SetTag("workflow.node.path", path);
        activity?.SetTag("workflow.node.type", node.Type);
        var started = _time.GetTimestamp();
        var attempts = 0;
        WorkflowNodeRecord record;
        try
        {
            var inputs = ResolveInputs(scope, node, path);
            var (outputs, cost, turns, madeAttempts) = await RunNodeAsync(run, scope, node, path, inputs, cancellationToken).ConfigureAwait(false);
            attempts = madeAttempts;
            record = new WorkflowNodeRecord
            {
                NodePath = path,
                Status = WorkflowNodeStatus.Completed,
                Outputs = outputs,
                Attempts = attempts,
                CostUsd = cost,
                Turns = turns,
                FinishedAt = _time.GetUtcNow(),
            };
            if (cost != 0 || turns != 0)
            {
                WorkflowTelemetry.Cost.Add((double)cost, new KeyValuePair<string, object?>("workflow.node.type", node.Type));
                if (run.AddUsage(cost, turns, run.Definition.Limits) is { } overBudget)
                {
                    run.Stop(overBudget);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            record = new WorkflowNodeRecord { NodePath = path, Status = WorkflowNodeStatus.Cancelled, Error = run.StopReason ?? "cancelled", Attempts = attempts };
        }
        catch (Exception ex)
        {
            Log.NodeFailed(_logger, run.RunId, path, ex);
            record = new WorkflowNodeRecord
            {
                NodePath = path,
                Status = WorkflowNodeStatus.Failed,
                Error = Describe(ex),
                Attempts = ex.Data["attempts"] is int a ? a : Math.Max(attempts, 1),
                FinishedAt = _time.GetUtcNow(),
            };
        }

        if (record.Status != WorkflowNodeStatus.Cancelled)
        {
            // The checkpoint: once it is written, a resume never runs this node again.
            await CheckpointAsync(run, record).ConfigureAwait(false);
        }

        activity?.SetTag("workflow.node.status", record.Status.ToString());
        if (record.Status == WorkflowNodeStatus.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, record.Error);
        }

        WorkflowTelemetry.Nodes.Add(1, new("workflow.node.type", node.Type), new("workflow.node.status", record.Status.ToString()));
        WorkflowTelemetry.NodeDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("workflow.node.type", node.Type));
        Log.NodeFinished(_logger, run.RunId, path, record.Status.ToString(), record.Attempts);
        run.Publish(new NodeFinishedEvent
        {
            RunId = run.RunId,
            Timestamp = _time.GetUtcNow(),
            NodePath = path,
            Status = record.Status,
            Outputs = record.Outputs ?? new Dictionary<string, JsonNode?>(),
            Error = record.Error,
            Attempts = record.Attempts,
        });
        return record;
    }

    private async Task CheckpointAsync(RunState run, WorkflowNodeRecord record)
    {
        run.Checkpoints[record.NodePath] = record;
        await _store.SaveNodeAsync(run.RunId, record, CancellationToken.None).ConfigureAwait(false);
    }

    private static string? SkipReason(Scope scope, WorkflowNodeDefinition node)
    {
        var allSkipped = node.DependsOn.Count > 0;
        foreach (var dependency in node.DependsOn)
        {
            var record = scope.Nodes[dependency];
            switch (record.Status)
            {
                case WorkflowNodeStatus.Failed or WorkflowNodeStatus.Cancelled:
                    return $"dependency '{dependency}' {record.Status.ToString().ToLowerInvariant()}";
                case WorkflowNodeStatus.Skipped:
                    continue;
                default:
                    allSkipped = false;
                    break;
            }

            if (record.Outputs is { } outputs && outputs.TryGetValue(ConditionalBranchOutput, out var branch)
                && branch is JsonValue taken && taken.GetValue<string>() is var takenBranch)
            {
                var notTaken = takenBranch == "then" ? "else" : "then";
                if (outputs.TryGetValue(notTaken + "Targets", out var targets) && targets is JsonArray list
                    && list.Any(t => t?.GetValue<string>() == node.Id))
                {
                    return $"conditional '{dependency}' took the '{takenBranch}' branch";
                }
            }
        }

        if (allSkipped)
        {
            return "every dependency was skipped";
        }

        return node.When is { } when && !WorkflowExpression.EvaluateCondition(when, scope.Resolve) ? $"the condition '{WorkflowExpression.Truncate(when)}' is false" : null;
    }

    private Dictionary<string, JsonNode?> ResolveInputs(Scope scope, WorkflowNodeDefinition node, string path)
    {
        _types.TryGetInputs(node.Type, out var specs);
        var inputs = new Dictionary<string, JsonNode?>(node.Inputs.Count, StringComparer.Ordinal);
        foreach (var (name, value) in node.Inputs)
        {
            var spec = specs?.FirstOrDefault(s => s.Name == name);
            if (spec is { IsExpression: true })
            {
                inputs[name] = value?.DeepClone();
                continue;
            }

            JsonNode? resolved;
            try
            {
                resolved = WorkflowTemplate.Resolve(value, scope.Resolve);
            }
            catch (WorkflowExpressionException ex)
            {
                throw new WorkflowNodeException($"input '{name}' of node '{path}': {ex.Message}", ex) { Transient = false };
            }

            if (spec is not null && (resolved is not null || spec.Required) && !WorkflowTemplate.IsOfType(resolved, spec.Type))
            {
                throw new WorkflowNodeException(
                    $"input '{name}' of node '{path}' resolved to {WorkflowTemplate.KindOf(resolved)}, not {spec.Type}") { Transient = false };
            }

            inputs[name] = resolved;
        }

        return inputs;
    }

    private async Task<(IReadOnlyDictionary<string, JsonNode?> Outputs, decimal Cost, int Turns, int Attempts)> RunNodeAsync(
        RunState run, Scope scope, WorkflowNodeDefinition node, string path, Dictionary<string, JsonNode?> inputs, CancellationToken cancellationToken)
    {
        switch (node.Type)
        {
            case WorkflowNodeTypes.Set:
                PublishStarted(run, path, node.Type);
                return (inputs, 0, 0, 1);
            case WorkflowNodeTypes.Conditional:
                PublishStarted(run, path, node.Type);
                return (RunConditional(scope, node, inputs), 0, 0, 1);
            case WorkflowNodeTypes.Parallel:
                return (await RunParallelAsync(run, scope, node, path, inputs, cancellationToken).ConfigureAwait(false), 0, 0, 1);
            case WorkflowNodeTypes.Loop:
                return (await RunLoopAsync(run, scope, node, path, inputs, cancellationToken).ConfigureAwait(false), 0, 0, 1);
            case WorkflowNodeTypes.SubWorkflow:
                return (await RunSubWorkflowAsync(run, scope, node, path, inputs, cancellationToken).ConfigureAwait(false), 0, 0, 1);
            case WorkflowNodeTypes.Approval:
                return (await RunApprovalAsync(run, path, inputs, cancellationToken).ConfigureAwait(false), 0, 0, 1);
            default:
                await run.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await DispatchWithPolicyAsync(run, node, path, inputs, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    run.Slots.Release();
                }
        }
    }

    private async Task<(IReadOnlyDictionary<string, JsonNode?>, decimal, int, int)> DispatchWithPolicyAsync(
        RunState run, WorkflowNodeDefinition node, string path, Dictionary<string, JsonNode?> inputs, CancellationToken cancellationToken)
    {
        var policy = node.Policy;
        var attempt = 0;
        async ValueTask<WorkflowNodeResult> AttemptAsync(CancellationToken token)
        {
            attempt++;
            run.Publish(new NodeStartedEvent { RunId = run.RunId, Timestamp = _time.GetUtcNow(), NodePath = path, NodeType = node.Type, Attempt = attempt });
            var context = new WorkflowNodeContext(text => run.Publish(new NodeTextEvent { RunId = run.RunId, Timestamp = _time.GetUtcNow(), NodePath = path, Text = text }))
            {
                RunId = run.RunId,
                WorkflowName = run.Definition.Name,
                NodePath = path,
                Node = node,
                Inputs = inputs,
                Attempt = attempt,
                IdempotencyKey = $"{run.RunId}/{path}",
                Services = _services,
            };
            return await _dispatcher.DispatchAsync(context, token).ConfigureAwait(false)
                ?? throw new WorkflowNodeException($"The handler of node '{path}' returned no result.") { Transient = false };
        }

        try
        {
            WorkflowNodeResult result;
            if (policy is null || (policy.MaxAttempts <= 1 && policy.Timeout is null))
            {
                // Fast path: no resilience pipeline for a node without retries or timeout.
                result = await AttemptAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var pipeline = BuildPipeline(run, path, policy, cancellationToken);
                result = await pipeline.ExecuteAsync(static async (attemptAsync, token) => await attemptAsync(token).ConfigureAwait(false),
                    (Func<CancellationToken, ValueTask<WorkflowNodeResult>>)AttemptAsync, cancellationToken).ConfigureAwait(false);
            }

            return (result.Outputs, result.CostUsd, result.Turns, attempt);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ex.Data["attempts"] = attempt;
            throw;
        }
    }

    private ResiliencePipeline BuildPipeline(RunState run, string path, WorkflowNodePolicy policy, CancellationToken runToken)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (policy.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = policy.MaxAttempts - 1,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex =>
                    !runToken.IsCancellationRequested && ex is not WorkflowNodeException { Transient: false } && ex is not OperationCanceledException || ex is TimeoutRejectedException),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryDelay(policy, args.AttemptNumber)),
                OnRetry = args =>
                {
                    var error = args.Outcome.Exception is { } e ? Describe(e) : "failed";
                    WorkflowTelemetry.Retries.Add(1);
                    Log.NodeRetrying(_logger, run.RunId, path, args.AttemptNumber + 1, args.RetryDelay);
                    run.Publish(new NodeRetryingEvent
                    {
                        RunId = run.RunId,
                        Timestamp = _time.GetUtcNow(),
                        NodePath = path,
                        FailedAttempt = args.AttemptNumber + 1,
                        Delay = args.RetryDelay,
                        Error = error,
                    });
                    return default;
                },
            });
        }

        if (policy.Timeout is { } timeout)
        {
            builder.AddTimeout(timeout);
        }

        return builder.Build();
    }

    /// <summary>Exponential backoff capped at the maximum, with ±25 % jitter so retries of many nodes spread out.</summary>
    internal static TimeSpan RetryDelay(WorkflowNodePolicy policy, int attemptNumber)
    {
        var ticks = policy.InitialDelay.Ticks * Math.Pow(policy.BackoffFactor, attemptNumber);
        ticks = Math.Min(ticks, policy.MaxDelay.Ticks);
        if (policy.Jitter)
        {
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
            ticks *= 0.75 + (Random.Shared.NextDouble() * 0.5);
#pragma warning restore CA5394
        }

        return TimeSpan.FromTicks((long)Math.Max(0, ticks));
    }

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException t => $"timed out after {t.Timeout}",
        WorkflowException => ex.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
