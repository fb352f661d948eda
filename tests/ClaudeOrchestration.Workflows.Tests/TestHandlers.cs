using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Nodes;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Workflows.Tests;

/// <summary>"work": counts runs per node path, tracks peak concurrency, outputs its inputs plus <c>node</c>.</summary>
internal sealed class CountingHandler : WorkflowNodeHandler
{
    private int _running;
    private int _peak;

    public ConcurrentDictionary<string, int> Runs { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Order { get; } = new();

    public ConcurrentDictionary<string, string> IdempotencyKeys { get; } = new(StringComparer.Ordinal);

    public int Peak => Volatile.Read(ref _peak);

    public override string NodeType => "work";

    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        int peak;
        while (running > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, running, peak) != peak)
        {
        }

        try
        {
            Runs.AddOrUpdate(context.NodePath, 1, (_, n) => n + 1);
            Order.Enqueue(context.NodePath);
            IdempotencyKeys[context.NodePath] = context.IdempotencyKey;
            await Task.Yield();
            var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["node"] = context.NodePath };
            foreach (var (name, value) in context.Inputs)
            {
                outputs[name] = value?.DeepClone();
            }

            return new WorkflowNodeResult
            {
                Outputs = outputs,
                CostUsd = context.GetDecimal("cost") ?? 0,
                Turns = context.GetInt32("turns") ?? 0,
            };
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}

/// <summary>"flaky": fails the first <c>failures</c> attempts of each node, then succeeds.</summary>
internal sealed class FlakyHandler : WorkflowNodeHandler
{
    public ConcurrentDictionary<string, int> Attempts { get; } = new(StringComparer.Ordinal);

    public override string NodeType => "flaky";

    public override Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        var attempt = Attempts.AddOrUpdate(context.NodePath, 1, (_, n) => n + 1);
        var failures = context.GetInt32("failures") ?? int.MaxValue;
        return attempt <= failures
            ? throw new InvalidOperationException($"attempt {attempt} fails")
            : Task.FromResult(WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?> { ["attempt"] = attempt }));
    }
}

/// <summary>"block": signals it started, then waits until released or cancelled.</summary>
internal sealed class BlockingHandler : WorkflowNodeHandler
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> SawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Runs;

    public override string NodeType => "block";

    public void Release() => _release.TrySetResult();

    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Runs);
        Started.TrySetResult();
        try
        {
            await _release.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            SawCancellation.TrySetResult(true);
            throw;
        }

        return WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?> { ["released"] = true });
    }
}

internal static class Engines
{
    public static WorkflowEngine Create(
        IWorkflowRunStore? store = null, TimeProvider? time = null, Action<WorkflowEngineOptions>? configure = null, IWorkflowCatalog? catalog = null,
        IServiceProvider? services = null, params WorkflowNodeHandler[] handlers)
    {
        var options = new WorkflowEngineOptions { MaxConcurrency = 4 };
        configure?.Invoke(options);
        return new WorkflowEngine(store ?? new InMemoryWorkflowRunStore(), handlers, Options.Create(options), services, catalog: catalog, timeProvider: time);
    }

    public static async Task<List<WorkflowEvent>> CollectAsync(WorkflowRun run)
    {
        var events = new List<WorkflowEvent>();
        await foreach (var e in run.ReadEventsAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        return events;
    }

    public static async Task<WorkflowEvent> WaitForEventAsync(WorkflowRun run, Func<WorkflowEvent, bool> match)
    {
        await foreach (var e in run.ReadEventsAsync(TestContext.Current.CancellationToken))
        {
            if (match(e))
            {
                return e;
            }
        }

        throw new InvalidOperationException("The run ended before the event.");
    }
}
