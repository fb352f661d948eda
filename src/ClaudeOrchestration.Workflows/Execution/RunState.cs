using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ClaudeOrchestration.Workflows.Definitions;

namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>The live state of one run in this engine instance.</summary>
internal sealed class RunState : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Channel<WorkflowEvent>> _subscribers = [];
    private bool _eventsCompleted;
    private int _pendingApprovals;

    public RunState(WorkflowRunRecord record, IReadOnlyList<WorkflowNodeRecord> checkpoints, int maxConcurrency, CancellationTokenSource? deadline)
    {
        Record = record;
        foreach (var checkpoint in checkpoints)
        {
            Checkpoints[checkpoint.NodePath] = checkpoint;
            CostUsd += checkpoint.CostUsd;
            Turns += checkpoint.Turns;
        }

        Slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        Deadline = deadline;
        Cancellation = deadline is null ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
    }

    public string RunId => Record.RunId;

    public WorkflowDefinition Definition => Record.Definition;

    public WorkflowRunRecord Record { get; set; }

    public ConcurrentDictionary<string, WorkflowNodeRecord> Checkpoints { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, TaskCompletionSource<WorkflowApprovalRecord>> ApprovalWaiters { get; } = new(StringComparer.Ordinal);

    public SemaphoreSlim Slots { get; }

    public CancellationTokenSource? Deadline { get; }

    public CancellationTokenSource Cancellation { get; }

    public TaskCompletionSource<WorkflowRunResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public decimal CostUsd { get; private set; }

    public int Turns { get; private set; }

    /// <summary>Why the run must stop (cancel, budget); null while it may go on.</summary>
    public string? StopReason { get; private set; }

    public bool Cancelled { get; private set; }

    /// <summary>The engine is shutting down: the run stays resumable and its record is left as it is.</summary>
    public bool ShuttingDown { get; private set; }

    public void Stop(string reason, bool cancelled = false, bool shuttingDown = false)
    {
        lock (_gate)
        {
            StopReason ??= reason;
            Cancelled |= cancelled;
            ShuttingDown |= shuttingDown;
        }

        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run already ended.
        }
    }

    /// <summary>Adds a node's spend; returns the reason when it breaks the run's budget.</summary>
    public string? AddUsage(decimal cost, int turns, WorkflowLimits? limits)
    {
        lock (_gate)
        {
            CostUsd += cost;
            Turns += turns;
            if (limits?.MaxCostUsd is { } maxCost && CostUsd > maxCost)
            {
                return $"the run spent ${CostUsd} and its budget is ${maxCost}";
            }

            return limits?.MaxTurns is { } maxTurns && Turns > maxTurns ? $"the run used {Turns} turns and its budget is {maxTurns}" : null;
        }
    }

    public int ChangePendingApprovals(int delta) => Interlocked.Add(ref _pendingApprovals, delta);

    public ChannelReader<WorkflowEvent> Subscribe()
    {
        var channel = Channel.CreateUnbounded<WorkflowEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        lock (_gate)
        {
            if (_eventsCompleted)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(channel);
            }
        }

        return channel.Reader;
    }

    public void Publish(WorkflowEvent @event)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(@event);
            }
        }
    }

    public void CompleteEvents()
    {
        lock (_gate)
        {
            _eventsCompleted = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }

    public void Dispose()
    {
        Cancellation.Dispose();
        Deadline?.Dispose();
        Slots.Dispose();
    }
}

/// <summary>
/// The values a node's references can reach: sibling nodes' records, the enclosing scopes' (unless isolated), the
/// workflow's or sub-workflow's inputs, and the loop variables.
/// </summary>
internal sealed class Scope
{
    public required RunState Run { get; init; }

    public Scope? Parent { get; init; }

    /// <summary>A sub-workflow's scope: no parent nodes are visible.</summary>
    public bool Isolated { get; init; }

    /// <summary>The path prefix of the scope's nodes: "" at the top, <c>loop[2]/</c> inside an iteration.</summary>
    public required string Prefix { get; init; }

    public IReadOnlyDictionary<string, JsonNode?>? Inputs { get; init; }

    public bool IsLoop { get; init; }

    public JsonNode? LoopItem { get; init; }

    public int LoopIndex { get; init; }

    public JsonObject? LoopLast { get; init; }

    public ConcurrentDictionary<string, WorkflowNodeRecord> Nodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Ids of the scope's completed nodes in the order they completed (for any/first-N barriers).</summary>
    public ConcurrentQueue<string> CompletionOrder { get; } = new();

    public JsonNode? Resolve(string path)
    {
        var segments = path.Split('.');
        switch (segments[0])
        {
            case "nodes":
                var record = FindNode(segments[1])
                    ?? throw new WorkflowExpressionException($"'{path}': node '{segments[1]}' has not run in this scope.");
                return segments[2] switch
                {
                    "status" => JsonValue.Create(record.Status.ToString().ToLowerInvariant()),
                    "error" => record.Error is null ? null : JsonValue.Create(record.Error),
                    _ when record.Status != WorkflowNodeStatus.Completed => null,
                    _ when segments.Length == 3 => ToObject(record.Outputs),
                    _ => Navigate(path, record.Outputs is { } o && o.TryGetValue(segments[3], out var v) ? v : Missing(path, segments[1], segments[3], record), segments, 4),
                };
            case "inputs":
                var scope = this;
                while (scope.Inputs is null && scope.Parent is not null)
                {
                    scope = scope.Parent;
                }

                if (segments.Length == 1)
                {
                    return ToObject(scope.Inputs);
                }

                return scope.Inputs is { } inputs && inputs.TryGetValue(segments[1], out var input)
                    ? Navigate(path, input, segments, 2)
                    : throw new WorkflowExpressionException($"'{path}': there is no input '{segments[1]}'.");
            case "loop":
                var loop = this;
                while (!loop.IsLoop)
                {
                    loop = loop.Parent ?? throw new WorkflowExpressionException($"'{path}' is only available inside a loop.");
                }

                return segments.Length < 2 ? null : segments[1] switch
                {
                    "item" => Navigate(path, loop.LoopItem, segments, 2),
                    "index" or "iteration" => JsonValue.Create(loop.LoopIndex),
                    "last" => Navigate(path, loop.LoopLast, segments, 2, missingIsNull: true),
                    _ => throw new WorkflowExpressionException($"'{path}': a loop has item, index, iteration and last."),
                };
            case "run":
                return segments.Length > 1 && segments[1] == "workflow" ? JsonValue.Create(Run.Definition.Name) : JsonValue.Create(Run.RunId);
            default:
                throw new WorkflowExpressionException($"'{path}' is not a workflow value.");
        }
    }

    private WorkflowNodeRecord? FindNode(string id)
    {
        for (var scope = this; scope is not null; scope = scope.Isolated ? null : scope.Parent)
        {
            if (scope.Nodes.TryGetValue(id, out var record))
            {
                return record;
            }
        }

        return null;
    }

    private static JsonNode Missing(string path, string id, string output, WorkflowNodeRecord record) =>
        throw new WorkflowExpressionException(
            $"'{path}': node '{id}' has no output '{output}' (it has: {string.Join(", ", record.Outputs?.Keys ?? [])}).");

    private static JsonObject? ToObject(IReadOnlyDictionary<string, JsonNode?>? values)
    {
        if (values is null)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (name, value) in values)
        {
            result[name] = value?.DeepClone();
        }

        return result;
    }

    private static JsonNode? Navigate(string path, JsonNode? node, string[] segments, int start, bool missingIsNull = false)
    {
        for (var i = start; i < segments.Length; i++)
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(segments[i], out var child) => child,
                JsonArray array when int.TryParse(segments[i], out var index) && index >= 0 && index < array.Count => array[index],
                _ when missingIsNull => null,
                _ => throw new WorkflowExpressionException($"'{path}': there is nothing at '{segments[i]}'."),
            };
            if (node is null && missingIsNull)
            {
                return null;
            }
        }

        return node;
    }
}
