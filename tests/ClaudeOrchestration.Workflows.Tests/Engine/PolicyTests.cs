using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Workflows.Tests.Engine;

public sealed class PolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retry_FailsTwiceThenSucceeds()
    {
        var flaky = new FlakyHandler();
        await using var engine = Engines.Create(handlers: flaky);
        var definition = engine.CreateBuilder("retry")
            .Node("call", "flaky", n => n.With("failures", 2).Retry(3, initialDelay: TimeSpan.Zero))
            .Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        var events = await Engines.CollectAsync(run);
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(3, result.Nodes["call"].Attempts);
        Assert.Equal(3, result.Nodes["call"].Outputs!["attempt"]!.GetValue<int>());
        var retries = events.OfType<NodeRetryingEvent>().ToList();
        Assert.Equal([1, 2], retries.Select(r => r.FailedAttempt));
        Assert.Contains("attempt 1 fails", retries[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_Exhausted_FailsTheRunWithTheLastError()
    {
        await using var engine = Engines.Create(handlers: new FlakyHandler());
        var definition = engine.CreateBuilder("retry").Node("call", "flaky", n => n.Retry(2, initialDelay: TimeSpan.Zero)).Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Equal(2, result.Nodes["call"].Attempts);
        Assert.Contains("attempt 2 fails", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryDelay_GrowsExponentiallyWithinJitterAndCap()
    {
        var policy = new WorkflowNodePolicy { InitialDelay = TimeSpan.FromSeconds(1), BackoffFactor = 2, MaxDelay = TimeSpan.FromSeconds(5), Jitter = true };
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(WorkflowEngine.RetryDelay(policy, 0).TotalSeconds, 0.75, 1.25);
            Assert.InRange(WorkflowEngine.RetryDelay(policy, 2).TotalSeconds, 3.0, 5.0);
            Assert.InRange(WorkflowEngine.RetryDelay(policy, 10).TotalSeconds, 3.75, 6.25);
        }

        var exact = new WorkflowNodePolicy { InitialDelay = TimeSpan.FromSeconds(1), BackoffFactor = 3, MaxDelay = TimeSpan.FromMinutes(1), Jitter = false };
        Assert.Equal(TimeSpan.FromSeconds(9), WorkflowEngine.RetryDelay(exact, 2));
    }

    [Fact]
    public async Task Timeout_StopsTheAttemptAndFailsTheNode()
    {
        var time = new FakeTimeProvider();
        var block = new BlockingHandler();
        await using var engine = Engines.Create(time: time, handlers: block);
        var definition = engine.CreateBuilder("slow").Node("slow", "block", n => n.Timeout(TimeSpan.FromSeconds(30))).Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        await block.Started.Task.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(31));
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.True(await block.SawCancellation.Task.WaitAsync(Ct));
        Assert.Contains("timed out", result.Nodes["slow"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContinueOnError_RecordsTheFailureSkipsDependentsAndCompletes()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: [work, new FlakyHandler()]);
        var definition = engine.CreateBuilder("tolerant")
            .Node("optional", "flaky", n => n.ContinueOnError())
            .Node("needs-optional", "work", n => n.DependsOn("optional"))
            .Node("independent", "work")
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(WorkflowNodeStatus.Failed, result.Nodes["optional"].Status);
        Assert.Equal(WorkflowNodeStatus.Skipped, result.Nodes["needs-optional"].Status);
        Assert.Equal(WorkflowNodeStatus.Completed, result.Nodes["independent"].Status);
    }

    [Fact]
    public async Task FailFast_CancelsRunningNodesAndStartsNothingElse()
    {
        var block = new BlockingHandler();
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: [block, work, new FlakyHandler()]);
        var definition = engine.CreateBuilder("failfast")
            .Node("long", "block")
            .Node("gate", "work", n => n.With("x", 1))
            .Node("boom", "flaky", n => n.DependsOn("gate"))
            .Node("later", "work", n => n.DependsOn("boom"))
            .Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("'boom'", result.Error, StringComparison.Ordinal);
        Assert.True(await block.SawCancellation.Task.WaitAsync(Ct));
        Assert.False(work.Runs.ContainsKey("later"));
    }

    [Fact]
    public async Task Cancel_MidRun_StopsRunningNodesAndMarksTheRunCancelled()
    {
        var block = new BlockingHandler();
        await using var engine = Engines.Create(handlers: block);
        var definition = engine.CreateBuilder("cancel").Node("wait", "block").Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        await block.Started.Task.WaitAsync(Ct);
        Assert.True(await engine.CancelAsync(run.RunId, Ct));
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Cancelled, result.Status);
        Assert.True(await block.SawCancellation.Task.WaitAsync(Ct));
        Assert.Equal(WorkflowRunStatus.Cancelled, (await engine.GetStatusAsync(run.RunId, Ct))!.Run.Status);
    }

    [Fact]
    public async Task Budget_CostOverTheLimit_FailsTheRun()
    {
        var work = new CountingHandler();
        await using var engine = Engines.Create(handlers: work);
        var definition = engine.CreateBuilder("budget")
            .Limits(new WorkflowLimits { MaxCostUsd = 1.0m })
            .Node("a", "work", n => n.With("cost", 0.6))
            .Node("b", "work", n => n.DependsOn("a").With("cost", 0.6))
            .Node("c", "work", n => n.DependsOn("b"))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("budget", result.Error, StringComparison.Ordinal);
        Assert.False(work.Runs.ContainsKey("c"));
        Assert.Equal(1.2m, result.CostUsd);
    }

    [Fact]
    public async Task Deadline_Passing_FailsTheRun()
    {
        var time = new FakeTimeProvider();
        var block = new BlockingHandler();
        await using var engine = Engines.Create(time: time, handlers: block);
        var definition = engine.CreateBuilder("deadline").Limits(new WorkflowLimits { Deadline = TimeSpan.FromMinutes(10) }).Node("wait", "block").Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        await block.Started.Task.WaitAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(11));
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("deadline", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_ShapesValuesAndEventsCarryText()
    {
        await using var engine = Engines.Create(handlers: new CountingHandler());
        var definition = engine.CreateBuilder("shape")
            .Node("a", "work", n => n.With("items", new JsonArray(1, 2)))
            .Node("s", WorkflowNodeTypes.Set, n => n.DependsOn("a").With("first", "${nodes.a.outputs.items.0}"))
            .Output("first", "${nodes.s.outputs.first}")
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(1, result.Outputs["first"]!.GetValue<int>());
    }
}
