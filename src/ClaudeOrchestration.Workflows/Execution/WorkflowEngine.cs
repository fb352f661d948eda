using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Diagnostics;
using ClaudeOrchestration.Workflows.Expressions;
using ClaudeOrchestration.Workflows.Nodes;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>
/// The durable DAG engine: ready nodes run concurrently within a limit, each node is checkpointed to the run store when
/// it finishes, and a run resumes from its checkpoints after a crash.
/// </summary>
/// <remarks>Thread-safe. Disposing stops active runs without marking them: they stay resumable.</remarks>
public sealed partial class WorkflowEngine : IWorkflowEngine, IAsyncDisposable
{
    private readonly IWorkflowRunStore _store;
    private readonly IWorkflowNodeDispatcher _dispatcher;
    private readonly NodeTypeCatalog _types;
    private readonly List<WorkflowNodeHandler> _handlers;
    private readonly IServiceProvider _services;
    private readonly IWorkflowCatalog? _catalog;
    private readonly WorkflowEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RunState> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _runTasks = new(StringComparer.Ordinal);

    // This engine's claims on the runs it executes (IWorkflowRunStore.TryClaimRunAsync), renewed by one loop.
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly Lock _renewalGate = new();
    private Task? _renewal;

    /// <summary>Creates the engine.</summary>
    /// <param name="store">Where runs and checkpoints are kept.</param>
    /// <param name="handlers">The node handlers (built-in and custom) this engine's definitions may use.</param>
    /// <param name="options">Engine settings.</param>
    /// <param name="services">Given to handlers through <see cref="WorkflowNodeContext.Services"/>.</param>
    /// <param name="dispatcher">Who runs work nodes; default: the handlers, in this process.</param>
    /// <param name="catalog">Workflows <c>subworkflow</c> nodes can name.</param>
    /// <param name="timeProvider">Time for deadlines, timeouts, retry delays and timestamps; default the system's.</param>
    /// <param name="logger">The logger.</param>
    public WorkflowEngine(
        IWorkflowRunStore store,
        IEnumerable<WorkflowNodeHandler> handlers,
        IOptions<WorkflowEngineOptions>? options = null,
        IServiceProvider? services = null,
        IWorkflowNodeDispatcher? dispatcher = null,
        IWorkflowCatalog? catalog = null,
        TimeProvider? timeProvider = null,
        ILogger<WorkflowEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handlers);
        var handlerList = handlers.ToList();
        _store = store;
        _handlers = handlerList;
        _types = new NodeTypeCatalog(handlerList);
        _dispatcher = dispatcher ?? new LocalWorkflowNodeDispatcher(handlerList);
        _options = options?.Value ?? new WorkflowEngineOptions();
        _services = services ?? EmptyServiceProvider.Instance;
        _catalog = catalog;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (_options.RunClaimDuration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.RunClaimDuration, "RunClaimDuration must be at least one second.");
        }
    }

    /// <summary>The node types definitions may use with this engine.</summary>
    public IEnumerable<string> NodeTypes => _types.Names;

    /// <summary>A builder whose <see cref="WorkflowBuilder.Build"/> knows this engine's custom node types.</summary>
    public WorkflowBuilder CreateBuilder(string name) => new WorkflowBuilder(name).UseHandlers(_handlers);

    /// <summary>Parses a JSON definition and validates it against this engine's node types.</summary>
    public WorkflowDefinition ParseDefinition(string json)
    {
        return WorkflowDefinitionJson.Parse(json, _handlers);
    }

    /// <inheritdoc />
    public IReadOnlyList<WorkflowValidationError> Validate(WorkflowDefinition definition) => WorkflowValidator.Validate(definition, _types);

    /// <inheritdoc />
    public async Task<WorkflowRun> StartAsync(
        WorkflowDefinition definition, IReadOnlyDictionary<string, JsonNode?>? inputs = null, WorkflowRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            throw new WorkflowValidationException(definition.Name, errors);
        }

        var validatedInputs = ValidateInputs(definition, inputs, definition.Name);
        var now = _time.GetUtcNow();
        var limits = options?.Limits ?? definition.Limits;
        var record = new WorkflowRunRecord
        {
            RunId = options?.RunId ?? Guid.NewGuid().ToString("N"),
            Definition = limits == definition.Limits ? definition : CopyWithLimits(definition, limits),
            Inputs = validatedInputs,
            Status = WorkflowRunStatus.Running,
            CreatedAt = now,
            UpdatedAt = now,
            DeadlineAt = limits?.Deadline is { } deadline ? now + deadline : null,
        };
        await _store.CreateRunAsync(record, cancellationToken).ConfigureAwait(false);
        if (!await TryClaimAsync(record.RunId, cancellationToken).ConfigureAwait(false))
        {
            throw new WorkflowException($"Run '{record.RunId}' was claimed by another engine sharing this run store as it was created.");
        }

        return Launch(record, [], resumed: false);
    }

    /// <inheritdoc />
    /// <exception cref="WorkflowException">The run has ended, or another engine sharing the run store (another process) is executing it.</exception>
    public async Task<WorkflowRun> ResumeAsync(string runId, CancellationToken cancellationToken = default)
        => (await ResumeCoreAsync(runId, skipIfClaimed: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary>Resumes a run; with <paramref name="skipIfClaimed"/>, returns <see langword="null"/> instead of throwing when another engine executes it.</summary>
    internal async Task<WorkflowRun?> ResumeCoreAsync(string runId, bool skipIfClaimed, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (_active.TryGetValue(runId, out var active))
        {
            return Handle(active);
        }

        var record = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowRunNotFoundException($"The run store has no run '{runId}'.");
        if (record.Status is WorkflowRunStatus.Completed or WorkflowRunStatus.Cancelled)
        {
            throw new WorkflowException($"Run '{runId}' is {record.Status}; only running, waiting or failed runs can be resumed.");
        }

        if (!await TryClaimAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            return skipIfClaimed ? null : throw new WorkflowException(
                $"Run '{runId}' is being executed by another engine sharing this run store (another process on the same file). Resume it there, "
                + $"or once that engine has stopped: a stopped engine releases its claim, a crashed one's lapses within {_options.RunClaimDuration}.");
        }

        IReadOnlyList<WorkflowNodeRecord> checkpoints;
        try
        {
            checkpoints = await _store.GetNodesAsync(runId, cancellationToken).ConfigureAwait(false);
            record = With(record, WorkflowRunStatus.Running, error: null);
            await _store.UpdateRunAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch when (!_active.ContainsKey(runId))
        {
            // Not resumed after all: let another engine (or a later call) have the run now rather than when the claim lapses.
            try
            {
                await _store.ReleaseRunAsync(runId, _owner, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception release)
            {
                Log.RunClaimReleaseFailed(_logger, runId, release);
            }

            throw;
        }

        return Launch(record, checkpoints, resumed: true);
    }

    /// <inheritdoc />
    public async Task<WorkflowRunSnapshot?> GetStatusAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var record = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        return new WorkflowRunSnapshot
        {
            Run = _active.TryGetValue(runId, out var active) ? active.Record : record,
            Nodes = await _store.GetNodesAsync(runId, cancellationToken).ConfigureAwait(false),
            PendingApprovals = await _store.GetPendingApprovalsAsync(runId, cancellationToken).ConfigureAwait(false),
            IsActive = active is not null,
        };
    }

    /// <inheritdoc />
    public async Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (_active.TryGetValue(runId, out var active))
        {
            active.Stop("the run was cancelled", cancelled: true);
            if (_runTasks.TryGetValue(runId, out var task))
            {
                await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        var record = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.Status is WorkflowRunStatus.Completed or WorkflowRunStatus.Cancelled)
        {
            return false;
        }

        await _store.UpdateRunAsync(With(record, WorkflowRunStatus.Cancelled, "the run was cancelled"), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> DecideApprovalAsync(
        string runId, string nodePath, bool approve, string? comment = null, string? decidedBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodePath);
        var pending = await _store.GetApprovalAsync(runId, nodePath, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowException($"Run '{runId}' has no approval request at '{nodePath}'.");
        if (pending.Decision is not null)
        {
            return false;
        }

        var decided = new WorkflowApprovalRecord
        {
            RunId = runId,
            NodePath = nodePath,
            Message = pending.Message,
            RequestedAt = pending.RequestedAt,
            ExpiresAt = pending.ExpiresAt,
            Decision = approve ? WorkflowApprovalDecision.Approved : WorkflowApprovalDecision.Rejected,
            Comment = comment,
            DecidedBy = decidedBy,
            DecidedAt = _time.GetUtcNow(),
        };
        await _store.SaveApprovalAsync(decided, cancellationToken).ConfigureAwait(false);
        Log.ApprovalDecided(_logger, runId, nodePath, decided.Decision.ToString()!);
        if (_active.TryGetValue(runId, out var active) && active.ApprovalWaiters.TryGetValue(nodePath, out var waiter))
        {
            waiter.TrySetResult(decided);
        }

        return true;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WorkflowEvent> WatchAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!_active.TryGetValue(runId, out var active))
        {
            yield break;
        }

        var reader = active.Subscribe();
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var @event))
            {
                yield return @event;
            }
        }
    }

    /// <summary>Stops active runs without marking them ended; they stay resumable from their checkpoints.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var run in _active.Values)
        {
            run.Stop("the engine is shutting down", shuttingDown: true);
        }

        try
        {
            await Task.WhenAll(_runTasks.Values).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each run reports its own end through its completion task.
        }

        Task? renewal;
        lock (_renewalGate)
        {
            renewal = _renewal;
            _stopRenewing.Cancel();
        }

        if (renewal is not null)
        {
            await renewal.ConfigureAwait(false);
        }
    }

    private async Task<bool> TryClaimAsync(string runId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return await _store.TryClaimRunAsync(runId, _owner, now, now + _options.RunClaimDuration, cancellationToken).ConfigureAwait(false);
    }

    private void EnsureRenewing()
    {
        lock (_renewalGate)
        {
            if (_renewal is null && !_stopRenewing.IsCancellationRequested)
            {
                _renewal = Task.Run(() => RenewClaimsAsync(_stopRenewing.Token));
            }
        }
    }

    /// <summary>
    /// Every third of <see cref="WorkflowEngineOptions.RunClaimDuration"/>: renews the claim on each active run and picks up
    /// what other engines sharing the store asked of it (a cancellation, approval decisions), until the engine is disposed.
    /// </summary>
    private async Task RenewClaimsAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.RunClaimDuration / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                foreach (var run in _active.Values)
                {
                    await RenewClaimAsync(run, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task RenewClaimAsync(RunState run, CancellationToken stop)
    {
        try
        {
            if (!await TryClaimAsync(run.RunId, stop).ConfigureAwait(false))
            {
                // Another engine resumed the run after this one failed to renew in time: stop here, leave the record to it.
                Log.RunClaimLost(_logger, run.RunId);
                run.Stop("another engine sharing the run store took the run over", shuttingDown: true);
                return;
            }

            // CancelAsync and DecideApprovalAsync of another engine only reach the store; this engine executes the run.
            var stored = await _store.GetRunAsync(run.RunId, stop).ConfigureAwait(false);
            if (stored?.Status == WorkflowRunStatus.Cancelled)
            {
                run.Stop(stored.Error ?? "the run was cancelled", cancelled: true);
                return;
            }

            foreach (var (path, waiter) in run.ApprovalWaiters)
            {
                if (await _store.GetApprovalAsync(run.RunId, path, stop).ConfigureAwait(false) is { Decision: not null } decided)
                {
                    _ = waiter.TrySetResult(decided);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            Log.RunClaimRenewalFailed(_logger, run.RunId, ex);
        }
    }

    private WorkflowRun Launch(WorkflowRunRecord record, IReadOnlyList<WorkflowNodeRecord> checkpoints, bool resumed)
    {
        CancellationTokenSource? deadline = null;
        if (record.DeadlineAt is { } deadlineAt)
        {
            var remaining = deadlineAt - _time.GetUtcNow();
            deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time);
        }

        var maxConcurrency = record.Definition.Limits?.MaxConcurrency ?? _options.MaxConcurrency;
        var state = new RunState(record, checkpoints, maxConcurrency, deadline);
        if (!_active.TryAdd(record.RunId, state))
        {
            state.Dispose();
            throw new WorkflowException($"Run '{record.RunId}' is already active in this engine.");
        }

        var handle = Handle(state);
        _runTasks[record.RunId] = Task.Run(() => ExecuteRunAsync(state, resumed));
        EnsureRenewing();
        return handle;
    }

    private WorkflowRun Handle(RunState state) =>
        new(state.RunId, state.Definition.Name, state.Subscribe(), state.Completion.Task, () => CancelAsync(state.RunId));

    private async Task ExecuteRunAsync(RunState run, bool resumed)
    {
        // The caller's span (Activity.Current flows into Task.Run) parents the run; node spans are its children. A resumed
        // run links to the span of the run's first execution.
        using var activity = WorkflowTelemetry.Source.StartActivity(
            $"workflow.run {run.Definition.Name}", ActivityKind.Internal, parentContext: default,
            links: resumed && ActivityContext.TryParse(run.Record.TraceParent, null, out var original) ? [new ActivityLink(original)] : null);
        activity?.SetTag("workflow.name", run.Definition.Name);
        activity?.SetTag("workflow.run_id", run.RunId);
        activity?.SetTag("workflow.resumed", resumed);

        var started = _time.GetTimestamp();
        Log.RunStarted(_logger, run.RunId, run.Definition.Name, resumed);
        run.Publish(new RunStartedEvent { RunId = run.RunId, Timestamp = _time.GetUtcNow(), WorkflowName = run.Definition.Name, Resumed = resumed });

        WorkflowRunStatus status;
        string? error = null;
        IReadOnlyDictionary<string, JsonNode?> outputs = new Dictionary<string, JsonNode?>();
        var root = new Scope { Run = run, Prefix = "", Inputs = run.Record.Inputs };
        try
        {
            if (activity is not null && run.Record.TraceParent is null)
            {
                // Only when someone listens: one more write of the run record, so a resume can link back.
                run.Record = With(run.Record, run.Record.Status, run.Record.Error, run.Record.Outputs, activity.Id);
                await _store.UpdateRunAsync(run.Record, CancellationToken.None).ConfigureAwait(false);
            }

            await RunScopeAsync(run, root, run.Definition.Nodes, null, run.Cancellation.Token).ConfigureAwait(false);
            outputs = ResolveOutputs(run.Definition.Outputs, root);
            status = WorkflowRunStatus.Completed;
        }
        catch (Exception ex)
        {
            (status, error) = run switch
            {
                { Cancelled: true } => (WorkflowRunStatus.Cancelled, run.StopReason),
                { Deadline.IsCancellationRequested: true } => (WorkflowRunStatus.Failed, $"the run's deadline ({run.Record.DeadlineAt:O}) passed"),
                { StopReason: { } reason } => (WorkflowRunStatus.Failed, reason),
                _ => (WorkflowRunStatus.Failed, ex is WorkflowException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}"),
            };
        }

        if (!run.ShuttingDown)
        {
            run.Record = With(run.Record, status, error, outputs);
            try
            {
                await _store.UpdateRunAsync(run.Record, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.FinalStateWriteFailed(_logger, run.RunId, ex);
            }

            WorkflowTelemetry.Runs.Add(1, new("workflow.name", run.Definition.Name), new("workflow.status", status.ToString()));
            WorkflowTelemetry.RunDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("workflow.name", run.Definition.Name));
            if (error is not null)
            {
                Log.RunFailed(_logger, run.RunId, error);
                activity?.SetStatus(ActivityStatusCode.Error, error);
            }

            Log.RunFinished(_logger, run.RunId, status.ToString());
            run.Publish(new RunFinishedEvent { RunId = run.RunId, Timestamp = _time.GetUtcNow(), Status = status, Error = error, Outputs = outputs });
        }
        else
        {
            status = WorkflowRunStatus.Running;
            error = "the engine shut down; resume the run";
        }

        activity?.SetTag("workflow.status", status.ToString());
        try
        {
            await _store.ReleaseRunAsync(run.RunId, _owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.RunClaimReleaseFailed(_logger, run.RunId, ex);
        }

        run.CompleteEvents();
        _active.TryRemove(run.RunId, out _);
        _runTasks.TryRemove(run.RunId, out _);
        run.Completion.TrySetResult(new WorkflowRunResult
        {
            RunId = run.RunId,
            Status = status,
            Error = error,
            Outputs = outputs,
            Nodes = new Dictionary<string, WorkflowNodeRecord>(run.Checkpoints, StringComparer.Ordinal),
            CostUsd = run.CostUsd,
            Turns = run.Turns,
        });
        run.Dispose();
    }

    private static Dictionary<string, JsonNode?> ResolveOutputs(IReadOnlyDictionary<string, JsonNode?> templates, Scope scope)
    {
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, template) in templates)
        {
            outputs[name] = WorkflowTemplate.Resolve(template, scope.Resolve);
        }

        return outputs;
    }

    internal static IReadOnlyDictionary<string, JsonNode?> ValidateInputs(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonNode?>? inputs, string what)
    {
        var errors = new List<WorkflowValidationError>();
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        inputs ??= new Dictionary<string, JsonNode?>();
        foreach (var name in inputs.Keys.Where(k => definition.Inputs.All(i => i.Name != k)))
        {
            errors.Add(new() { JsonPath = $"inputs.{name}", Message = $"'{name}' is not an input of '{definition.Name}' (inputs: {string.Join(", ", definition.Inputs.Select(i => i.Name))})" });
        }

        foreach (var input in definition.Inputs)
        {
            if (inputs.TryGetValue(input.Name, out var value) && value is not null)
            {
                if (!WorkflowTemplate.IsOfType(value, input.Type))
                {
                    errors.Add(new() { JsonPath = $"inputs.{input.Name}", Message = $"'{input.Name}' is {WorkflowTemplate.KindOf(value)}, not {input.Type}" });
                }

                result[input.Name] = value.DeepClone();
            }
            else if (input.Default is not null)
            {
                result[input.Name] = input.Default.DeepClone();
            }
            else if (input.Required)
            {
                errors.Add(new() { JsonPath = $"inputs.{input.Name}", Message = $"the required input '{input.Name}' ({input.Type}) is missing" });
            }
            else
            {
                result[input.Name] = null;
            }
        }

        return errors.Count > 0 ? throw new WorkflowValidationException(what, errors) : result;
    }

    private WorkflowRunRecord With(
        WorkflowRunRecord record, WorkflowRunStatus status, string? error, IReadOnlyDictionary<string, JsonNode?>? outputs = null, string? traceParent = null) => new()
    {
        RunId = record.RunId,
        Definition = record.Definition,
        Inputs = record.Inputs,
        Status = status,
        CreatedAt = record.CreatedAt,
        UpdatedAt = _time.GetUtcNow(),
        DeadlineAt = record.DeadlineAt,
        Error = error,
        Outputs = status == WorkflowRunStatus.Completed ? outputs : null,
        TraceParent = traceParent ?? record.TraceParent,
    };

    private static WorkflowDefinition CopyWithLimits(WorkflowDefinition d, WorkflowLimits? limits) => new()
    {
        Name = d.Name,
        Description = d.Description,
        Version = d.Version,
        Inputs = d.Inputs,
        Nodes = d.Nodes,
        Outputs = d.Outputs,
        Limits = limits,
    };

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
