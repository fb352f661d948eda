using System.Diagnostics;
using ClaudeOrchestration.Workflows.Dify;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Workflows.Tests.Dify;

public sealed class DifyClientTimeoutAndTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StreamWorkflowAsync_SilentPastTheIdleTimeout_ThrowsTimeoutWithTheRunId()
    {
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
            await WaitForClientToLeaveAsync(context.RequestAborted);
        });
        var time = new FakeTimeProvider();
        var client = DifyTestClient.Create(server, configure: o => o.StopTaskOnCancellation = false, timeProvider: time);

        await using var events = client.StreamWorkflowAsync(DifyTestClient.Request(), Ct).GetAsyncEnumerator(Ct);
        Assert.True(await events.MoveNextAsync());
        var next = events.MoveNextAsync().AsTask();
        await AdvanceUntilCompletedAsync(next, time, TimeSpan.FromSeconds(61));

        var error = await Assert.ThrowsAsync<DifyApiException>(() => next);
        Assert.Equal(DifyApiException.TimeoutCode, error.Code);
        Assert.Equal(DifySamples.RunId, error.WorkflowRunId);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task RunWorkflowAsync_NoAnswerWithinRequestTimeout_ThrowsTimeoutAndDoesNotRunAgain()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
        {
            received.TrySetResult();
            return WaitForClientToLeaveAsync(context.RequestAborted);
        });
        var time = new FakeTimeProvider();
        var client = DifyTestClient.Create(server, timeProvider: time);

        var run = client.RunWorkflowAsync(DifyTestClient.Request(), Ct);
        await received.Task.WaitAsync(Ct);
        await AdvanceUntilCompletedAsync(run, time, TimeSpan.FromMinutes(2));

        var error = await Assert.ThrowsAsync<DifyApiException>(() => run);
        Assert.Equal((DifyApiException.TimeoutCode, "run workflow"), (error.Code, error.Operation));
        Assert.Contains("RequestTimeout", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RunWorkflowAsync_WithAListener_RecordsASpanWithRunIdAndStatus()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkflowsPackage.TelemetryName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking()));
        var client = DifyTestClient.Create(server);

        // Other tests run Dify calls in parallel and the listener hears them all: this test's span is the one in its trace.
        ActivityTraceId trace;
        using (var parent = new Activity("test").Start())
        {
            trace = parent.TraceId;
            await client.RunWorkflowAsync(DifyTestClient.Request(), Ct);
        }

        Activity span;
        lock (stopped)
        {
            span = Assert.Single(stopped, a => a.DisplayName == "dify run workflow" && a.TraceId == trace && (string?)a.GetTagItem("dify.workflow_run_id") == DifySamples.RunId);
        }

        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("succeeded", span.GetTagItem("dify.workflow.status"));
        Assert.Equal(321L, span.GetTagItem("gen_ai.usage.total_tokens"));
    }

    private static async Task WaitForClientToLeaveAsync(CancellationToken requestAborted)
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (requestAborted.Register(gone.SetResult))
        {
            await gone.Task;
        }
    }

    /// <summary>
    /// Advances fake time until <paramref name="task"/> completes. The client creates its timer only once its read or request
    /// is under way, which the test cannot observe, so it keeps advancing; no wall-clock waiting is involved.
    /// </summary>
    private static async Task AdvanceUntilCompletedAsync(Task task, FakeTimeProvider time, TimeSpan step)
    {
        for (var i = 0; !task.IsCompleted; i++)
        {
            Assert.True(i < 1_000_000, "The task did not complete as fake time advanced.");
            time.Advance(step);
            await Task.Yield();
        }
    }
}
