using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using ClaudeOrchestration.Delegation;

namespace ClaudeOrchestration.Samples.WebHost;

/// <summary>A delegation started over HTTP.</summary>
internal sealed record DelegationStart(string TaskType, string Description, string? WorkingDirectory, string? ProjectContext, Dictionary<string, string>? Parameters);

/// <summary>What the HTTP API reports about a delegation.</summary>
internal sealed record DelegationState(string Id, string TaskType, string Status, string? Output, string? Reason, string? SessionId);

/// <summary>One event of a delegation, sent as SSE.</summary>
internal sealed record DelegationEvent(string Id, string Status, string? Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DelegationStart))]
[JsonSerializable(typeof(DelegationState))]
[JsonSerializable(typeof(DelegationEvent))]
[JsonSerializable(typeof(List<DelegationState>))]
internal sealed partial class WebHostJson : JsonSerializerContext;

/// <summary>The delegations this host runs: start, status, events, cancel. Stopping the host cancels them all.</summary>
internal sealed class Delegations(IClaudeTaskDelegator delegator, IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);

    public DelegationState Start(DelegationStart start)
    {
        if (!Enum.TryParse<ClaudeTaskType>(start.TaskType, ignoreCase: true, out var type) || !Enum.IsDefined(type))
        {
            throw new ArgumentException($"task_type must be one of {string.Join(", ", Enum.GetNames<ClaudeTaskType>())}.");
        }

        if (string.IsNullOrWhiteSpace(start.Description))
        {
            throw new ArgumentException("description is required.");
        }

        var id = Guid.NewGuid().ToString("N");
        var run = new Run(id, type, CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping));
        _runs[id] = run;
        run.Publish("running", null);
        run.Task = Task.Run(async () =>
        {
            var result = await delegator.DelegateAsync(new DelegationRequest
            {
                Id = id,
                TaskType = type,
                Description = start.Description,
                WorkingDirectory = start.WorkingDirectory,
                ProjectContext = start.ProjectContext,
                Parameters = start.Parameters ?? [],
            }, run.Cancellation.Token).ConfigureAwait(false);
            run.Result = result;
            run.Publish(result.Status.ToString().ToLowerInvariant(), result.Status == DelegationStatus.Succeeded ? result.Output : result.Reason);
            run.Complete();
        });
        return run.State();
    }

    public DelegationState? Find(string id) => _runs.TryGetValue(id, out var run) ? run.State() : null;

    public IReadOnlyList<DelegationState> All() => [.. _runs.Values.Select(r => r.State())];

    public bool Cancel(string id)
    {
        if (!_runs.TryGetValue(id, out var run))
        {
            return false;
        }

        run.Cancellation.Cancel();
        return true;
    }

    public IAsyncEnumerable<DelegationEvent>? Events(string id, CancellationToken cancellationToken) =>
        _runs.TryGetValue(id, out var run) ? run.EventsAsync(cancellationToken) : null;

    private sealed class Run(string id, ClaudeTaskType type, CancellationTokenSource cancellation)
    {
        private readonly List<DelegationEvent> _events = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _done;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task? Task { get; set; }

        public DelegationResult? Result { get; set; }

        public DelegationState State()
        {
            var result = Result;
            return new DelegationState(id, type.ToString(), result?.Status.ToString() ?? "Running", result?.Output, result?.Reason, result?.Run?.SessionId);
        }

        public void Publish(string status, string? message)
        {
            TaskCompletionSource changed;
            lock (_events)
            {
                _events.Add(new DelegationEvent(id, status, message));
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        public void Complete()
        {
            lock (_events)
            {
                _done = true;
            }

            Publish("end", null);
        }

        public async IAsyncEnumerable<DelegationEvent> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var next = 0;
            while (true)
            {
                DelegationEvent[] batch;
                Task changed;
                bool done;
                lock (_events)
                {
                    batch = [.. _events.Skip(next)];
                    next = _events.Count;
                    changed = _changed.Task;
                    done = _done;
                }

                foreach (var item in batch)
                {
                    yield return item;
                }

                if (done)
                {
                    yield break;
                }

                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
