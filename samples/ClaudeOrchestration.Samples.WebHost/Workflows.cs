using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ClaudeOrchestration.Workflows;
using ClaudeOrchestration.Workflows.Execution;

namespace ClaudeOrchestration.Samples.WebHost;

/// <summary>Starts a run of a catalog workflow over HTTP.</summary>
internal sealed record WorkflowStart(string Workflow, Dictionary<string, JsonNode?>? Inputs);

/// <summary>Decides a run's pending approval over HTTP.</summary>
internal sealed record WorkflowDecision(string NodePath, bool Approve, string? Comment);

/// <summary>What the HTTP API reports about a run.</summary>
internal sealed record WorkflowRunView(
    string RunId, string Workflow, string Status, bool IsActive, string? Error, IReadOnlyDictionary<string, JsonNode?>? Outputs,
    IReadOnlyList<WorkflowNodeView> Nodes, IReadOnlyList<WorkflowApprovalView> PendingApprovals)
{
    public static WorkflowRunView From(WorkflowRunSnapshot snapshot) => new(
        snapshot.Run.RunId, snapshot.Run.Definition.Name, snapshot.Run.Status.ToString(), snapshot.IsActive, snapshot.Run.Error, snapshot.Run.Outputs,
        [.. snapshot.Nodes.Select(n => new WorkflowNodeView(n.NodePath, n.Status.ToString(), n.Attempts, n.Error))],
        [.. snapshot.PendingApprovals.Select(a => new WorkflowApprovalView(a.NodePath, a.Message, a.ExpiresAt))]);
}

/// <summary>One node of a run.</summary>
internal sealed record WorkflowNodeView(string NodePath, string Status, int Attempts, string? Error);

/// <summary>A pending approval of a run.</summary>
internal sealed record WorkflowApprovalView(string NodePath, string? Message, DateTimeOffset? ExpiresAt);

/// <summary>One event of a run, sent as SSE (the event type is the <see cref="Type"/>).</summary>
internal sealed record WorkflowEventView(string Type, string RunId, DateTimeOffset Timestamp, string? NodePath = null, string? Status = null, string? Message = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkflowStart))]
[JsonSerializable(typeof(WorkflowDecision))]
[JsonSerializable(typeof(WorkflowRunView))]
[JsonSerializable(typeof(WorkflowEventView))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class WorkflowsJson : JsonSerializerContext;

/// <summary>The workflow endpoints: start, status, events (SSE), cancel, approve. They sit behind the host's bearer token.</summary>
internal static class WorkflowEndpoints
{
    public static void MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/workflows");
        api.MapGet("/", (IWorkflowCatalog catalog) => Results.Ok(catalog.Definitions.Select(d => d.Name).ToList()));
        api.MapPost("/runs", StartAsync);
        api.MapGet("/runs/{id}", async (string id, IWorkflowEngine engine, CancellationToken cancellationToken) =>
            await engine.GetStatusAsync(id, cancellationToken) is { } snapshot ? Results.Ok(WorkflowRunView.From(snapshot)) : Results.NotFound());
        api.MapGet("/runs/{id}/events", async (string id, IWorkflowEngine engine, CancellationToken cancellationToken) =>
            await engine.GetStatusAsync(id, cancellationToken) is null
                ? Results.NotFound()
                : TypedResults.ServerSentEvents(EventsAsync(engine, id, cancellationToken)));
        api.MapPost("/runs/{id}/cancel", async (string id, IWorkflowEngine engine, CancellationToken cancellationToken) =>
            await engine.GetStatusAsync(id, cancellationToken) is null ? Results.NotFound()
            : await engine.CancelAsync(id, cancellationToken) ? Results.Accepted($"/api/workflows/runs/{id}")
            : Results.Conflict(new { error = $"Run '{id}' has already ended." }));
        api.MapPost("/runs/{id}/approve", DecideAsync);
    }

    private static async Task<IResult> StartAsync(WorkflowStart start, IWorkflowEngine engine, IWorkflowCatalog catalog, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(start.Workflow) || catalog.Find(start.Workflow) is not { } found)
        {
            return Results.Problem(
                $"workflow must name a workflow of the catalog: {string.Join(", ", catalog.Definitions.Select(d => d.Name))}.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var run = await engine.StartAsync(found.Definition, start.Inputs, cancellationToken: cancellationToken);
            var snapshot = await engine.GetStatusAsync(run.RunId, cancellationToken);
            return Results.Accepted($"/api/workflows/runs/{run.RunId}", WorkflowRunView.From(snapshot!));
        }
        catch (WorkflowValidationException ex)
        {
            return Results.Problem(string.Join("; ", ex.Errors.Select(e => e.Message)), statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> DecideAsync(string id, WorkflowDecision decision, IWorkflowEngine engine, CancellationToken cancellationToken)
    {
        if (await engine.GetStatusAsync(id, cancellationToken) is not { } snapshot)
        {
            return Results.NotFound();
        }

        if (!snapshot.PendingApprovals.Any(a => string.Equals(a.NodePath, decision.NodePath, StringComparison.Ordinal)))
        {
            return Results.Problem(
                $"Run '{id}' has no pending approval at '{decision.NodePath}'; pending: {string.Join(", ", snapshot.PendingApprovals.Select(a => a.NodePath))}.",
                statusCode: StatusCodes.Status409Conflict);
        }

        await engine.DecideApprovalAsync(id, decision.NodePath, decision.Approve, decision.Comment, "http", cancellationToken);
        return Results.Ok(WorkflowRunView.From((await engine.GetStatusAsync(id, cancellationToken))!));
    }

    /// <summary>The run's status now, then its events as they happen, until it ends (or waits no longer in this host).</summary>
    private static async IAsyncEnumerable<SseItem<WorkflowEventView>> EventsAsync(IWorkflowEngine engine, string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe before reading the status, so nothing between the two is missed.
        await using var events = engine.WatchAsync(id, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var next = events.MoveNextAsync();
        var snapshot = await engine.GetStatusAsync(id, cancellationToken);
        yield return Item(new WorkflowEventView("status", id, DateTimeOffset.UtcNow, Status: snapshot?.Run.Status.ToString(), Message: snapshot?.Run.Error));
        while (await next)
        {
            yield return Item(View(events.Current));
            next = events.MoveNextAsync();
        }
    }

    private static SseItem<WorkflowEventView> Item(WorkflowEventView view) => new(view, view.Type);

    private static WorkflowEventView View(WorkflowEvent e) => e switch
    {
        RunStartedEvent s => new("run_started", e.RunId, e.Timestamp, Message: s.Resumed ? "resumed" : null),
        NodeStartedEvent s => new("node_started", e.RunId, e.Timestamp, s.NodePath, Message: $"attempt {s.Attempt}"),
        NodeTextEvent t => new("node_text", e.RunId, e.Timestamp, t.NodePath, Message: t.Text),
        NodeRetryingEvent r => new("node_retrying", e.RunId, e.Timestamp, r.NodePath, Message: r.Error),
        NodeSkippedEvent s => new("node_skipped", e.RunId, e.Timestamp, s.NodePath, Message: s.Reason),
        ApprovalRequestedEvent a => new("approval_requested", e.RunId, e.Timestamp, a.NodePath, Message: a.Message),
        NodeFinishedEvent f => new("node_finished", e.RunId, e.Timestamp, f.NodePath, f.Status.ToString(), f.Error),
        RunFinishedEvent f => new("run_finished", e.RunId, e.Timestamp, Status: f.Status.ToString(), Message: f.Error),
        _ => new("event", e.RunId, e.Timestamp),
    };
}
