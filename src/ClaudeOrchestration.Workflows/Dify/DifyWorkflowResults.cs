using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>The outcome of a workflow run: the blocking response, or what a stream's <c>workflow_finished</c> (or <c>workflow_paused</c>) said.</summary>
/// <remarks>A run that failed inside Dify is still a result: check <see cref="Succeeded"/> or call <see cref="EnsureSucceeded"/>.</remarks>
public sealed class DifyWorkflowRunResult
{
    /// <summary>The task id, usable with the stop endpoint while the run is executing.</summary>
    public string? TaskId { get; init; }

    /// <summary>The run's persistent id, for run detail and the events endpoint.</summary>
    public required string WorkflowRunId { get; init; }

    /// <summary>The run's final state: status, outputs, error, tokens and timing.</summary>
    public required DifyWorkflowFinishedData Data { get; init; }

    /// <summary>The run's status (<see cref="DifyWorkflowStatus"/>).</summary>
    [JsonIgnore]
    public string Status => Data.Status;

    /// <summary>Whether the run finished with status <c>succeeded</c>.</summary>
    [JsonIgnore]
    public bool Succeeded => Data.Status == DifyWorkflowStatus.Succeeded;

    /// <summary>Throws unless the run succeeded.</summary>
    /// <returns>This result, for chaining.</returns>
    /// <exception cref="DifyWorkflowFailedException">The run failed, stopped, partially succeeded or paused; the exception carries the status and Dify's error.</exception>
    public DifyWorkflowRunResult EnsureSucceeded() =>
        Succeeded ? this : throw new DifyWorkflowFailedException(this);
}

/// <summary>A run's final state (<c>WorkflowFinishedData</c>), shared by the blocking response and the <c>workflow_finished</c> event.</summary>
public sealed class DifyWorkflowFinishedData
{
    /// <summary>The workflow run id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The workflow (version) id.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The status (<see cref="DifyWorkflowStatus"/>).</summary>
    public string Status { get; init; } = "";

    /// <summary>The workflow's outputs by name, or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Outputs { get; init; }

    /// <summary>Dify's error message when the run failed.</summary>
    public string? Error { get; init; }

    /// <summary>Seconds the run took.</summary>
    public double ElapsedTime { get; init; }

    /// <summary>Tokens used across all nodes.</summary>
    public long TotalTokens { get; init; }

    /// <summary>Steps executed.</summary>
    public int TotalSteps { get; init; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the run finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Exceptions counted during the run (streaming only).</summary>
    public int? ExceptionsCount { get; init; }

    /// <summary>Who started the run (streaming only), as Dify sent it.</summary>
    public JsonElement? CreatedBy { get; init; }

    /// <summary>Files the workflow produced, as Dify sent them.</summary>
    public IReadOnlyList<JsonElement>? Files { get; init; }
}

/// <summary>A run as <c>GET /workflows/run/{workflow_run_id}</c> reports it.</summary>
public sealed class DifyWorkflowRunDetail
{
    /// <summary>The workflow run id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The workflow (version) id.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The status (<see cref="DifyWorkflowStatus"/>).</summary>
    public string Status { get; init; } = "";

    /// <summary>The run's inputs exactly as Dify returns them: a JSON <em>string</em>, not an object. <see cref="ParseInputs"/> parses it.</summary>
    public string? Inputs { get; init; }

    /// <summary>The outputs by name; empty until the run produced them.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Outputs { get; init; }

    /// <summary>Dify's error message when the run failed.</summary>
    public string? Error { get; init; }

    /// <summary>Steps executed.</summary>
    public int TotalSteps { get; init; }

    /// <summary>Tokens used.</summary>
    public long TotalTokens { get; init; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the run finished, or <see langword="null"/> while it runs.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Seconds the run took, when known.</summary>
    public double? ElapsedTime { get; init; }

    /// <summary>Parses <see cref="Inputs"/>.</summary>
    /// <returns>The inputs by name; empty when Dify sent none.</returns>
    /// <exception cref="JsonException"><see cref="Inputs"/> is not a JSON object.</exception>
    public IReadOnlyDictionary<string, JsonElement> ParseInputs()
    {
        if (string.IsNullOrWhiteSpace(Inputs))
        {
            return new Dictionary<string, JsonElement>();
        }

        return JsonSerializer.Deserialize(Inputs, DifyJsonContext.Default.IReadOnlyDictionaryStringJsonElement)
            ?? new Dictionary<string, JsonElement>();
    }

    /// <summary>The detail as a run result, for a run that has finished.</summary>
    /// <param name="taskId">The task id if known.</param>
    /// <returns>The result.</returns>
    public DifyWorkflowRunResult ToRunResult(string? taskId = null) => new()
    {
        TaskId = taskId,
        WorkflowRunId = Id,
        Data = new DifyWorkflowFinishedData
        {
            Id = Id,
            WorkflowId = WorkflowId,
            Status = Status,
            Outputs = Outputs,
            Error = Error,
            ElapsedTime = ElapsedTime ?? 0,
            TotalTokens = TotalTokens,
            TotalSteps = TotalSteps,
            CreatedAt = CreatedAt,
            FinishedAt = FinishedAt,
        },
    };
}
