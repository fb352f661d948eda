using System.Text;
using System.Text.Json;
using ClaudeOrchestration.Workflows.Dify;
using Microsoft.AspNetCore.Http;

namespace ClaudeOrchestration.Workflows.Tests.Dify;

public sealed class DifyClientStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StreamWorkflowAsync_EveryEventType_ArrivesTypedAndInOrder()
    {
        string[] frames =
        [
            DifySamples.WorkflowStarted, DifySamples.NodeStarted, DifySamples.NodeRetry, DifySamples.ReasoningChunk,
            DifySamples.TextChunk("Par"), DifySamples.TextChunk("is"), DifySamples.NodeFinished,
            DifySamples.IterationStarted, DifySamples.IterationNext, DifySamples.IterationCompleted,
            DifySamples.LoopStarted, DifySamples.LoopNext, DifySamples.LoopCompleted, DifySamples.AgentLog,
            DifySamples.HumanInputRequired, DifySamples.HumanInputFormFilled, DifySamples.HumanInputFormTimeout,
            DifySamples.TtsMessage, DifySamples.TtsMessageEnd, DifySamples.Unknown, DifySamples.WorkflowFinished,
        ];
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            foreach (var frame in frames)
            {
                await FakeDifyServer.DataAsync(context, frame);
            }
        });
        var client = DifyTestClient.Create(server);

        var events = await ToListAsync(client.StreamWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Collection(events,
            e => Assert.Equal("France", Assert.IsType<DifyWorkflowStartedEvent>(e).Data.Inputs!["city"].GetString()),
            e => Assert.Equal("start", Assert.IsType<DifyNodeStartedEvent>(e).Data.PredecessorNodeId),
            e => Assert.Equal(0, Assert.IsType<DifyNodeRetryEvent>(e).Data.RetryIndex),
            e => Assert.Equal("The capital...", Assert.IsType<DifyReasoningChunkEvent>(e).Data.Reasoning),
            e => Assert.Equal(["llm", "text"], Assert.IsType<DifyTextChunkEvent>(e).Data.FromVariableSelector!),
            e => Assert.IsType<DifyTextChunkEvent>(e),
            e => Assert.Equal("Paris", Assert.IsType<DifyNodeFinishedEvent>(e).Data.Outputs!["text"].GetString()),
            e => Assert.Equal("iter", Assert.IsType<DifyIterationStartedEvent>(e).Data.NodeId),
            e => Assert.Equal(1, Assert.IsType<DifyIterationNextEvent>(e).Data.Index),
            e => Assert.Equal(2, Assert.IsType<DifyIterationCompletedEvent>(e).Data.Steps),
            e => Assert.Equal("loop", Assert.IsType<DifyLoopStartedEvent>(e).Data.NodeType),
            e => Assert.Equal(0, Assert.IsType<DifyLoopNextEvent>(e).Data.Index),
            e => Assert.Equal("succeeded", Assert.IsType<DifyLoopCompletedEvent>(e).Data.Status),
            e => Assert.Equal("ROUND 1", Assert.IsType<DifyAgentLogEvent>(e).Data.Label),
            e => Assert.Equal("tok-1", Assert.IsType<DifyHumanInputRequiredEvent>(e).Data.FormToken),
            e => Assert.Equal("approve", Assert.IsType<DifyHumanInputFormFilledEvent>(e).Data.ActionId),
            e => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1705411229), Assert.IsType<DifyHumanInputFormTimeoutEvent>(e).Data.ExpirationTime),
            e => Assert.Equal("SUQz", Assert.IsType<DifyTtsMessageEvent>(e).Audio),
            e => Assert.IsType<DifyTtsMessageEndEvent>(e),
            e =>
            {
                var unknown = Assert.IsType<DifyUnknownEvent>(e);
                Assert.Equal("brand_new_event", unknown.Event);
                Assert.Equal(1, unknown.Raw.GetProperty("data").GetProperty("x").GetInt32());
            },
            e => Assert.Equal(DifyWorkflowStatus.Succeeded, Assert.IsType<DifyWorkflowFinishedEvent>(e).Data.Status));
        Assert.All(events, e => Assert.Equal(DifySamples.TaskId, e.TaskId));
        Assert.Equal("Paris", string.Concat(events.OfType<DifyTextChunkEvent>().Select(e => e.Data.Text)));

        using var body = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        Assert.Equal("streaming", body.RootElement.GetProperty("response_mode").GetString());
    }

    [Fact]
    public async Task StreamWorkflowAsync_PingAndCommentsBetweenEvents_AreSkipped()
    {
        var firstEventSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
            await FakeDifyServer.SseAsync(context, "event: ping\n\n");
            await firstEventSeen.Task;
            await FakeDifyServer.SseAsync(context, ": keep-alive comment\n\nevent: ping\n\n");
            await FakeDifyServer.DataAsync(context, DifySamples.TextChunk("hi"));
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowFinished);
        });
        var client = DifyTestClient.Create(server);

        var events = new List<DifyWorkflowEvent>();
        await foreach (var e in client.StreamWorkflowAsync(DifyTestClient.Request(), Ct))
        {
            events.Add(e);
            firstEventSeen.TrySetResult();
        }

        Assert.Collection(events,
            e => Assert.IsType<DifyWorkflowStartedEvent>(e),
            e => Assert.Equal("hi", Assert.IsType<DifyTextChunkEvent>(e).Data.Text),
            e => Assert.IsType<DifyWorkflowFinishedEvent>(e));
    }

    [Fact]
    public async Task StreamWorkflowAsync_ErrorEventInside200_ThrowsDifyApiExceptionAfterTheEarlierEvents()
    {
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
            await FakeDifyServer.DataAsync(context, """{"event":"error","status":400,"code":"provider_quota_exceeded","message":"Your quota has been used up"}""");
        });
        var client = DifyTestClient.Create(server);

        var events = new List<DifyWorkflowEvent>();
        var error = await Assert.ThrowsAsync<DifyApiException>(async () =>
        {
            await foreach (var e in client.StreamWorkflowAsync(DifyTestClient.Request(), Ct))
            {
                events.Add(e);
            }
        });

        Assert.IsType<DifyWorkflowStartedEvent>(Assert.Single(events));
        Assert.Equal((400, "provider_quota_exceeded"), (error.StatusCode, error.Code));
        Assert.Equal(DifySamples.RunId, error.WorkflowRunId);
        Assert.Contains("stream workflow", error.Message, StringComparison.Ordinal);
        Assert.Contains("Your quota has been used up", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task StreamWorkflowAsync_WorkflowFinishedFailed_SurfacesInRunStreamingResult()
    {
        var failed = DifySamples.Event("workflow_finished",
            $$"""{"id":"{{DifySamples.RunId}}","status":"failed","error":"Node Code failed","outputs":null,"elapsed_time":0.1,"total_tokens":0,"total_steps":2,"created_at":1705407629}""");
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
            await FakeDifyServer.DataAsync(context, failed);
        });
        var client = DifyTestClient.Create(server);

        var result = await client.RunWorkflowStreamingAsync(DifyTestClient.Request(), cancellationToken: Ct);

        Assert.False(result.Succeeded);
        Assert.Equal((DifyWorkflowStatus.Failed, "Node Code failed"), (result.Status, result.Data.Error));
        Assert.Throws<DifyWorkflowFailedException>(() => result.EnsureSucceeded());
    }

    [Fact]
    public async Task StreamWorkflowAsync_ConnectionDropsMidStream_ThrowsInterruptedWithTheRunId()
    {
        using var consumed = new SemaphoreSlim(0);
        await using var server = await FakeDifyServer.StartAsync((context, request) => DropAfterStart(context, request, consumed));
        var client = DifyTestClient.Create(server);

        var error = await Assert.ThrowsAsync<DifyApiException>(async () =>
        {
            await foreach (var _ in client.StreamWorkflowAsync(DifyTestClient.Request(), Ct))
            {
                consumed.Release();
            }
        });

        Assert.Equal(DifyApiException.StreamInterruptedCode, error.Code);
        Assert.Equal(DifySamples.RunId, error.WorkflowRunId);
        Assert.Equal(DifySamples.TaskId, error.TaskId);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task StreamWorkflowWithResumeAsync_ConnectionDrops_ResumesThroughTheEventsEndpoint()
    {
        using var consumed = new SemaphoreSlim(0);
        await using var server = await FakeDifyServer.StartAsync(async (context, request) =>
        {
            if (request.Path.EndsWith("/events", StringComparison.Ordinal))
            {
                await FakeDifyServer.BeginSseAsync(context);
                await FakeDifyServer.DataAsync(context, DifySamples.WorkflowFinished);
                return;
            }

            await DropAfterStart(context, request, consumed);
        });
        var client = DifyTestClient.Create(server);

        var events = new List<DifyWorkflowEvent>();
        await foreach (var e in client.StreamWorkflowWithResumeAsync(DifyTestClient.Request(), Ct))
        {
            events.Add(e);
            consumed.Release();
        }

        Assert.Collection(events,
            e => Assert.IsType<DifyWorkflowStartedEvent>(e),
            e => Assert.IsType<DifyNodeStartedEvent>(e),
            e => Assert.IsType<DifyWorkflowFinishedEvent>(e));
        Assert.Collection(server.Requests,
            r => Assert.Equal("/v1/workflows/run", r.Path),
            r =>
            {
                Assert.Equal(("GET", $"/v1/workflow/{DifySamples.RunId}/events", $"?user={DifySamples.User}"), (r.Method, r.Path, r.Query));
                Assert.Equal($"Bearer {DifySamples.ApiKey}", r.Authorization);
            });
    }

    [Fact]
    public async Task RunWorkflowStreamingAsync_ResumeAttemptsSpent_ConfirmsTheOutcomeThroughRunDetail()
    {
        using var consumed = new SemaphoreSlim(0);
        await using var server = await FakeDifyServer.StartAsync(async (context, request) =>
        {
            if (request.Path.StartsWith("/v1/workflows/run/", StringComparison.Ordinal))
            {
                await FakeDifyServer.JsonAsync(context, 200, DifySamples.RunDetail());
                return;
            }

            await DropAfterStart(context, request, consumed);
        });
        var client = DifyTestClient.Create(server, configure: options => options.MaxResumeAttempts = 2);
        var seen = new List<string>();

        var result = await client.RunWorkflowStreamingAsync(DifyTestClient.Request(), (e, _) =>
        {
            seen.Add(e.Event);
            consumed.Release();
            return ValueTask.CompletedTask;
        }, Ct);

        Assert.True(result.Succeeded);
        Assert.Equal("Paris", result.Data.Outputs!["answer"].GetString());
        Assert.Equal(DifySamples.RunId, result.WorkflowRunId);
        Assert.Equal(
            ["/v1/workflows/run", $"/v1/workflow/{DifySamples.RunId}/events", $"/v1/workflow/{DifySamples.RunId}/events", $"/v1/workflows/run/{DifySamples.RunId}"],
            server.Requests.Select(r => r.Path));
        Assert.Equal(["workflow_started", "node_started", "workflow_started", "workflow_started"], seen);
    }

    [Fact]
    public async Task StreamWorkflowWithResumeAsync_DropBeforeTheRunIdIsKnown_DoesNotRunAgain()
    {
        using var consumed = new SemaphoreSlim(0);
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, """{"event":"some_preamble","data":{}}""");
            await FakeDifyServer.DropConnectionAsync(context, consumed, 1);
        });
        var client = DifyTestClient.Create(server);

        var error = await Assert.ThrowsAsync<DifyApiException>(async () =>
        {
            await foreach (var _ in client.StreamWorkflowWithResumeAsync(DifyTestClient.Request(), Ct))
            {
                consumed.Release();
            }
        });

        Assert.Equal(DifyApiException.StreamInterruptedCode, error.Code);
        Assert.Null(error.WorkflowRunId);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RunWorkflowStreamingAsync_Paused_ReturnsPausedResult()
    {
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
            await FakeDifyServer.DataAsync(context, DifySamples.HumanInputRequired);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowPaused);
        });
        var client = DifyTestClient.Create(server);

        var result = await client.RunWorkflowStreamingAsync(DifyTestClient.Request(), cancellationToken: Ct);

        Assert.Equal(DifyWorkflowStatus.Paused, result.Status);
        Assert.Equal(DifySamples.RunId, result.WorkflowRunId);
        Assert.Equal(2, result.Data.TotalSteps);
    }

    [Fact]
    public async Task StreamWorkflowAsync_Cancelled_ClosesTheConnectionAndStopsTheTask()
    {
        var streamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeDifyServer.StartAsync(FakeDifyServer.StreamUntilAborted(streamAborted, DifySamples.WorkflowStarted));
        var client = DifyTestClient.Create(server);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.StreamWorkflowAsync(DifyTestClient.Request(), cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        });

        await streamAborted.Task.WaitAsync(Ct);
        server.AssertStoppedOnce();
    }

    [Fact]
    public async Task ResumeWorkflowEventsAsync_FinishedRun_YieldsOneWorkflowFinished()
    {
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowFinished);
        });
        var client = DifyTestClient.Create(server);

        var events = await ToListAsync(client.ResumeWorkflowEventsAsync(DifySamples.RunId, DifySamples.User, includeStateSnapshot: true, Ct));

        Assert.IsType<DifyWorkflowFinishedEvent>(Assert.Single(events));
        Assert.Equal($"?user={DifySamples.User}&include_state_snapshot=true", Assert.Single(server.Requests).Query);
    }

    [Fact]
    public async Task ParseEvents_MultiLineDataAndCrLf_AreJoined()
    {
        var payload = Encoding.UTF8.GetBytes("event: message\r\ndata: {\"event\":\"text_chunk\",\r\ndata: \"data\":{\"text\":\"x\"}}\r\n\r\nevent: ping\r\n\r\n");
        using var stream = new MemoryStream(payload);

        var frames = await ToListAsync(DifyServerSentEvents.ReadAsync(stream, TimeSpan.FromMinutes(1), TimeProvider.System, Ct));

        var frame = Assert.Single(frames);
        Assert.IsType<DifyTextChunkEvent>(DifyEventParser.Parse(frame.Data, frame.EventName));
    }

    [Fact]
    public void Parse_KnownEventWithAnUnexpectedShape_IsKeptAsUnknownWithItsJson()
    {
        var parsed = DifyEventParser.Parse("""{"event":"node_started","task_id":"t","data":"not an object"}""", null);

        var unknown = Assert.IsType<DifyUnknownEvent>(parsed);
        Assert.Equal(("node_started", "t"), (unknown.Event, unknown.TaskId));
        Assert.Equal("not an object", unknown.Raw.GetProperty("data").GetString());
    }

    /// <summary>Sends workflow_started (and node_started on the run route), then drops the connection once the client has them.</summary>
    private static async Task DropAfterStart(HttpContext context, DifyRequest request, SemaphoreSlim consumed)
    {
        await FakeDifyServer.BeginSseAsync(context);
        await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
        var written = 1;
        if (request.Path.EndsWith("/run", StringComparison.Ordinal))
        {
            await FakeDifyServer.DataAsync(context, DifySamples.NodeStarted);
            written++;
        }

        await FakeDifyServer.DropConnectionAsync(context, consumed, written);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
