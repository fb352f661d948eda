using System.Collections.Concurrent;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Delegation;
using ClaudeOrchestration.Messages;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Core.Tests.Delegation;

public sealed class ClaudeTaskDelegatorTests
{
    [Fact]
    public void RenderPrompt_DefaultTemplate_QuotesDescriptionParametersAndContext()
    {
        var delegator = Create(new ScriptedClient());

        var prompt = delegator.RenderPrompt(new DelegationRequest
        {
            Id = "x",
            TaskType = ClaudeTaskType.CodeReview,
            Description = "Review {param:file} for races",
            Parameters = new Dictionary<string, string> { ["file"] = "Pool.cs" },
            ProjectContext = ".NET 10 library",
        });

        Assert.Contains("Review {param:file} for races", prompt);
        Assert.Contains("- file: Pool.cs", prompt);
        Assert.Contains(".NET 10 library", prompt);
        Assert.Contains("Do not change any file", prompt);
    }

    [Fact]
    public void RenderPrompt_HostTemplate_OverridesDefault()
    {
        var delegation = new ClaudeDelegationOptions();
        delegation.PromptTemplates[ClaudeTaskType.Debugging] = "FIX {param:bug} in {working_directory}: {description} {unknown}";
        var delegator = Create(new ScriptedClient(), delegation);

        var prompt = delegator.RenderPrompt(new DelegationRequest
        {
            Id = "x", TaskType = ClaudeTaskType.Debugging, Description = "crash", WorkingDirectory = "/tmp",
            Parameters = new Dictionary<string, string> { ["bug"] = "NRE" },
        });

        Assert.Equal("FIX NRE in /tmp: crash {unknown}", prompt);
    }

    [Fact]
    public async Task DelegateAsync_WorkingDirectoryOutsideRoots_ReturnsFailedResultNamingPathAndRoots()
    {
        // Changed deliberately: this used to throw ArgumentException; every failure of a request is now its failed result.
        var options = new ClaudeOrchestrationOptions();
        options.AllowedWorkingDirectoryRoots.Add("/srv/projects");
        var client = new ScriptedClient();
        var delegator = Create(client, options: options);

        var result = await delegator.DelegateAsync(
            new DelegationRequest { Id = "x", TaskType = ClaudeTaskType.FileOperation, Description = "d", WorkingDirectory = "/srv/projects/../../etc" },
            TestContext.Current.CancellationToken);

        Assert.Equal(DelegationStatus.Failed, result.Status);
        var ex = Assert.IsType<ClaudeWorkingDirectoryException>(result.Error);
        Assert.Equal("/etc", ex.Path);
        Assert.Equal(["/srv/projects"], ex.AllowedRoots);
        Assert.Contains("outside the allowed roots (/srv/projects)", ex.Message);
        Assert.Empty(client.Started);
    }

    [Fact]
    public async Task DelegateAsync_InvalidRequestOrThrowingClient_ReturnsFailedResult()
    {
        var delegator = Create(new ScriptedClient { Throwing = ["boom"] });

        var blank = await delegator.DelegateAsync(
            new DelegationRequest { Id = "blank", TaskType = ClaudeTaskType.CodeReview, Description = " " }, TestContext.Current.CancellationToken);
        var boom = await delegator.DelegateAsync(Request("boom"), TestContext.Current.CancellationToken);

        Assert.Equal(DelegationStatus.Failed, blank.Status);
        Assert.IsType<ArgumentException>(blank.Error);
        Assert.Equal(DelegationStatus.Failed, boom.Status);
        Assert.IsType<InvalidOperationException>(boom.Error);
        Assert.Equal("boom", boom.Id);
    }

    [Fact]
    public async Task DelegateManyAsync_ConcurrentBatchesWithTheSameIds_BothRunWithDistinctRegistryIds()
    {
        // Both batches hold "impl" in the client's registry at the same time; that used to throw out of the second batch.
        var client = new ScriptedClient { HoldUntilStarted = 2 };
        var delegator = Create(client);

        var first = delegator.DelegateManyAsync([Request("impl"), Request("review", dependsOn: ["impl"])], TestContext.Current.CancellationToken);
        var second = delegator.DelegateManyAsync([Request("impl"), Request("review", dependsOn: ["impl"])], TestContext.Current.CancellationToken);
        var results = await Task.WhenAll(first, second);

        Assert.All(results.SelectMany(r => r), r => Assert.Equal(DelegationStatus.Succeeded, r.Status));
        Assert.Equal("impl", results[0][0].Id);
        Assert.Equal("impl", results[1][0].Id);
        Assert.NotEqual(results[0][0].TaskId, results[1][0].TaskId);
        Assert.EndsWith("/impl", results[0][0].TaskId);
        Assert.Equal(2, client.MaxConcurrent);
    }

    [Fact]
    public async Task DelegateManyAsync_RequestOutsideRoots_FailsThatRequestAndRunsTheOthers()
    {
        // Changed deliberately: a bad directory used to throw before anything ran.
        var options = new ClaudeOrchestrationOptions();
        options.AllowedWorkingDirectoryRoots.Add("/srv/projects");
        var client = new ScriptedClient();
        var delegator = Create(client, options: options);

        var results = await delegator.DelegateManyAsync(
            [
                new DelegationRequest { Id = "bad", TaskType = ClaudeTaskType.FileOperation, Description = "d", WorkingDirectory = "/etc" },
                Request("after-bad", dependsOn: ["bad"]),
                Request("fine"),
            ],
            TestContext.Current.CancellationToken);

        Assert.Equal(DelegationStatus.Failed, results[0].Status);
        Assert.IsType<ClaudeWorkingDirectoryException>(results[0].Error);
        Assert.Equal(DelegationStatus.Skipped, results[1].Status);
        Assert.Equal(DelegationStatus.Succeeded, results[2].Status);
    }

    [Fact]
    public async Task DelegateAsync_PostProcessor_ShapesOutput()
    {
        var delegation = new ClaudeDelegationOptions();
        delegation.PostProcessors[ClaudeTaskType.TestExecution] = (_, run, _) => ValueTask.FromResult<string?>(run.Text!.ToUpperInvariant());
        var delegator = Create(new ScriptedClient(), delegation);

        var result = await delegator.DelegateAsync(
            new DelegationRequest { Id = "t", TaskType = ClaudeTaskType.TestExecution, Description = "run" },
            TestContext.Current.CancellationToken);

        Assert.Equal(DelegationStatus.Succeeded, result.Status);
        Assert.Equal("DONE T", result.Output);
    }

    [Fact]
    public async Task DelegateManyAsync_Graph_RunsDependenciesFirstAndIndependentOnesConcurrently()
    {
        var client = new ScriptedClient { HoldUntilBothStarted = ["b", "c"] };
        var delegator = Create(client);

        var results = await delegator.DelegateManyAsync(
            [
                Request("d", dependsOn: ["b", "c"]),
                Request("b", dependsOn: ["a"]),
                Request("c", dependsOn: ["a"]),
                Request("a"),
            ],
            TestContext.Current.CancellationToken);

        Assert.Equal(["d", "b", "c", "a"], results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal(DelegationStatus.Succeeded, r.Status));
        Assert.Equal("a", client.Started.First());
        Assert.Equal("d", client.Started.Last());
        Assert.Equal(2, client.MaxConcurrent);
    }

    [Fact]
    public async Task DelegateManyAsync_FailedDependency_SkipsDependentsButRunsOthers()
    {
        var client = new ScriptedClient { Failing = ["a"] };
        var delegator = Create(client);

        var results = await delegator.DelegateManyAsync([Request("a"), Request("b", dependsOn: ["a"]), Request("c")], TestContext.Current.CancellationToken);

        Assert.Equal(DelegationStatus.Failed, results[0].Status);
        Assert.IsType<ClaudeResultException>(results[0].Error);
        Assert.Equal(DelegationStatus.Skipped, results[1].Status);
        Assert.Contains("dependency 'a'", results[1].Reason);
        Assert.Equal(DelegationStatus.Succeeded, results[2].Status);
    }

    [Fact]
    public async Task DelegateManyAsync_CriticalFailure_CancelsRunningAndSkipsTheRest()
    {
        var client = new ScriptedClient { Failing = ["crit"], Blocking = ["slow"] };
        var delegator = Create(client);

        var results = await delegator.DelegateManyAsync(
            [Request("slow"), Request("crit", critical: true), Request("after", dependsOn: ["slow"])],
            TestContext.Current.CancellationToken);

        Assert.Equal(DelegationStatus.Cancelled, results[0].Status);
        Assert.Equal(DelegationStatus.Failed, results[1].Status);
        Assert.Equal(DelegationStatus.Skipped, results[2].Status);
        Assert.DoesNotContain("after", client.Started);
        Assert.Equal(0, client.Running);
    }

    [Fact]
    public async Task DelegateManyAsync_Cycle_ThrowsBeforeRunningAnything()
    {
        var client = new ScriptedClient();
        var delegator = Create(client);

        await Assert.ThrowsAsync<DelegationGraphException>(() =>
            delegator.DelegateManyAsync([Request("a", dependsOn: ["b"]), Request("b", dependsOn: ["a"])], TestContext.Current.CancellationToken));
        Assert.Empty(client.Started);
    }

    private static DelegationRequest Request(string id, string[]? dependsOn = null, bool critical = false) =>
        new() { Id = id, TaskType = ClaudeTaskType.CodeGeneration, Description = "task " + id, DependsOn = dependsOn ?? [], Critical = critical };

    private static ClaudeTaskDelegator Create(IClaudeClient client, ClaudeDelegationOptions? delegation = null, ClaudeOrchestrationOptions? options = null) =>
        new(client, new StaticMonitor<ClaudeDelegationOptions>(delegation ?? new()), new StaticMonitor<ClaudeOrchestrationOptions>(options ?? new()));

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    /// <summary>A hand-written fake client: answers by task id, records start order and concurrency.</summary>
    private sealed class ScriptedClient : IClaudeClient
    {
        private readonly TaskCompletionSource _bothStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;

        public string[] Failing { get; init; } = [];
        public string[] Throwing { get; init; } = [];
        public int HoldUntilStarted { get; init; }
        public int Running => Volatile.Read(ref _running);
        public string[] Blocking { get; init; } = [];
        public string[] HoldUntilBothStarted { get; init; } = [];
        public ConcurrentQueue<string> Started { get; } = new();
        public int MaxConcurrent { get; private set; }
        public IClaudeTaskRegistry Tasks { get; } = new ClaudeTaskRegistry();

        public async Task<ClaudeRunResult> RunAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default)
        {
            // Like the real client: the task id must be unique among active tasks.
            var taskId = options!.TaskId!;
            var entry = ((ClaudeTaskRegistry)Tasks).Register(taskId, TimeProvider.System);
            try
            {
                return await RunCoreAsync(taskId[(taskId.IndexOf('/', StringComparison.Ordinal) + 1)..], cancellationToken);
            }
            finally
            {
                ((ClaudeTaskRegistry)Tasks).Remove(entry);
            }
        }

        private async Task<ClaudeRunResult> RunCoreAsync(string id, CancellationToken cancellationToken)
        {
            if (Throwing.Contains(id))
            {
                throw new InvalidOperationException("the client broke");
            }

            Started.Enqueue(id);
            var now = Interlocked.Increment(ref _running);
            lock (Started)
            {
                MaxConcurrent = Math.Max(MaxConcurrent, now);
            }

            try
            {
                if (HoldUntilBothStarted.Contains(id))
                {
                    if (HoldUntilBothStarted.All(Started.Contains))
                    {
                        _bothStarted.TrySetResult();
                    }

                    await _bothStarted.Task.WaitAsync(cancellationToken);
                }

                if (HoldUntilStarted > 0)
                {
                    if (Started.Count >= HoldUntilStarted)
                    {
                        _bothStarted.TrySetResult();
                    }

                    await _bothStarted.Task.WaitAsync(cancellationToken);
                }

                if (Blocking.Contains(id))
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                return FakeResults.Result(isError: Failing.Contains(id), text: "done " + id);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public IAsyncEnumerable<ClaudeMessage> StreamAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
