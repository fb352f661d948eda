using BenchmarkDotNet.Attributes;
using Microsoft.Agents.AI.Workflows;
using ClaudeOrchestration.Workflows.Definitions;
using MafWorkflow = Microsoft.Agents.AI.Workflows.Workflow;
using MafWorkflowBuilder = Microsoft.Agents.AI.Workflows.WorkflowBuilder;
using WorkflowBuilder = ClaudeOrchestration.Workflows.Definitions.WorkflowBuilder;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Nodes;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Benchmarks.Workflows;

/// <summary>
/// Per-node engine overhead: a 1,000-node chain and a 1,000-wide fan-out/fan-in of no-op nodes, with the in-memory
/// store and with a SQLite checkpoint per node. Divide the mean by 1,000 (1,002 for the fan-out) for the per-node cost.
/// </summary>
/// <remarks>
/// Side by side with MAF Workflows (Microsoft.Agents.AI.Workflows 1.28.0): the same graphs of function executors,
/// run in process without checkpoints (the SqliteCheckpoints parameter does not apply to the MAF rows).
/// </remarks>
[MemoryDiagnoser]
public class EngineOverheadBenchmarks
{
    private const int Nodes = 1_000;
    private readonly NoopHandler _noop = new();
    private WorkflowDefinition _chain = null!;
    private WorkflowDefinition _fanOut = null!;
    private string _directory = null!;
    private MafWorkflow _mafChain = null!;
    private MafWorkflow _mafFanOut = null!;

    // Every MAF executor counts its invocations (one interlocked add, a few ns against microseconds of overhead): the
    // set-up checks that a run really executes every node before anything is measured.
    private int _mafInvocations;

    [Params(false, true)]
    public bool SqliteCheckpoints { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var chain = new WorkflowBuilder("chain").UseHandlers([_noop]);
        for (var i = 0; i < Nodes; i++)
        {
            var index = i;
            chain.Node($"n{i}", "noop", n =>
            {
                if (index > 0)
                {
                    n.DependsOn($"n{index - 1}");
                }
            });
        }

        _chain = chain.Build();
        var fan = new WorkflowBuilder("fan").UseHandlers([_noop]).Node("start", "noop");
        var ids = Enumerable.Range(0, Nodes).Select(i => $"w{i}").ToArray();
        foreach (var id in ids)
        {
            fan.Node(id, "noop", n => n.DependsOn("start"));
        }

        _fanOut = fan.Node("join", "noop", n => n.DependsOn(ids)).Build();
        _directory = Directory.CreateTempSubdirectory("workflow-bench-").FullName;

        var mafChain = Enumerable.Range(0, Nodes).Select(i => Counted().BindAsExecutor($"n{i}")).ToList();
        var chainBuilder = new MafWorkflowBuilder(mafChain[0]);
        for (var i = 1; i < Nodes; i++)
        {
            chainBuilder.AddEdge(mafChain[i - 1], mafChain[i]);
        }

        _mafChain = chainBuilder.WithOutputFrom(mafChain[^1]).Build();
        var start = Counted().BindAsExecutor("start");
        var workers = Enumerable.Range(0, Nodes).Select(i => Counted().BindAsExecutor($"w{i}")).ToList();
        var join = Counted().BindAsExecutor("join");
        _mafFanOut = new MafWorkflowBuilder(start).AddFanOutEdge(start, workers).AddFanInBarrierEdge(workers, join).WithOutputFrom(join).Build();
        SanityCheckAsync().GetAwaiter().GetResult();
    }

    /// <summary>
    /// One run of each graph on each engine before measuring: every run must end (MAF: halted with no pending request)
    /// having executed every node, or the comparison would time unfinished work.
    /// </summary>
    /// <remarks>
    /// MAF's fan-in barrier holds the workers' messages until all have arrived and then delivers each one to the join
    /// executor, so the join runs once per worker: the fan-out is 1 + 1,000 + 1,000 executor invocations and 1,000
    /// workflow outputs, where our join node runs once (1,002 nodes). docs/benchmarks.md reports both divisions.
    /// </remarks>
    private async Task SanityCheckAsync()
    {
        foreach (var (name, workflow, invocations, outputs) in new[] { ("chain", _mafChain, Nodes, 1), ("fan-out", _mafFanOut, 1 + Nodes + Nodes, Nodes) })
        {
            _mafInvocations = 0;
            await using var run = await InProcessExecution.RunAsync(workflow, 1);
            var status = await run.GetStatusAsync();
            var yielded = run.OutgoingEvents.OfType<WorkflowOutputEvent>().Count();
            var ran = Volatile.Read(ref _mafInvocations);
            Console.WriteLine($"// Sanity: MAF {name}: status {status}, {ran} executor invocations (expected {invocations}), {yielded} workflow outputs (expected {outputs})");
            if (status is not (RunStatus.Idle or RunStatus.Ended) || ran != invocations || yielded != outputs)
            {
                throw new InvalidOperationException($"The MAF {name} run did not complete as expected: status {status}, {ran} of {invocations} invocations, {yielded} of {outputs} outputs.");
            }
        }

        foreach (var (name, definition, expected) in new[] { ("chain", _chain, Nodes), ("fan-out", _fanOut, Nodes + 2) })
        {
            var result = await RunAsync(definition);
            var completed = result.Nodes.Values.Count(n => n.Status == WorkflowNodeStatus.Completed);
            Console.WriteLine($"// Sanity: ClaudeOrchestration {name}: status {result.Status}, {completed} nodes completed (expected {expected})");
            if (completed != expected)
            {
                throw new InvalidOperationException($"The {name} run completed {completed} of {expected} nodes.");
            }
        }
    }

    private Func<int, int> Counted() => x =>
    {
        Interlocked.Increment(ref _mafInvocations);
        return x;
    };

    [Benchmark]
    public async Task<RunStatus> MafChain1000()
    {
        await using var run = await InProcessExecution.RunAsync(_mafChain, 1);
        return await run.GetStatusAsync();
    }

    [Benchmark]
    public async Task<RunStatus> MafFanOut1000()
    {
        await using var run = await InProcessExecution.RunAsync(_mafFanOut, 1);
        return await run.GetStatusAsync();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public Task<WorkflowRunResult> Chain1000() => RunAsync(_chain);

    [Benchmark]
    public Task<WorkflowRunResult> FanOut1000() => RunAsync(_fanOut);

    private async Task<WorkflowRunResult> RunAsync(WorkflowDefinition definition)
    {
        IWorkflowRunStore store = SqliteCheckpoints ? new SqliteWorkflowRunStore(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db")) : new InMemoryWorkflowRunStore();
        try
        {
            await using var engine = new WorkflowEngine(store, [_noop], Options.Create(new WorkflowEngineOptions { MaxConcurrency = 8 }));
            var run = await engine.StartAsync(definition);
            var result = await run.Completion;
            return result.Status == WorkflowRunStatus.Completed ? result : throw new InvalidOperationException(result.Error);
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private sealed class NoopHandler : WorkflowNodeHandler
    {
        private static readonly Task<WorkflowNodeResult> Done = Task.FromResult(new WorkflowNodeResult());

        public override string NodeType => "noop";

        public override Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken) => Done;
    }
}
