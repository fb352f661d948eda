using ClaudeOrchestration.Client;

namespace ClaudeOrchestration.Delegation;

/// <summary>The kinds of work a host delegates; each has a prompt template and an optional post-processor.</summary>
public enum ClaudeTaskType
{
    /// <summary>Write new code.</summary>
    CodeGeneration,

    /// <summary>Review code and report findings.</summary>
    CodeReview,

    /// <summary>Create, move, edit or delete files.</summary>
    FileOperation,

    /// <summary>Run git operations.</summary>
    GitOperation,

    /// <summary>Run tests and report the outcome.</summary>
    TestExecution,

    /// <summary>Write or update documentation.</summary>
    Documentation,

    /// <summary>Find and fix a bug.</summary>
    Debugging,
}

/// <summary>One piece of work to delegate to a Claude Code agent.</summary>
public sealed class DelegationRequest
{
    /// <summary>
    /// Unique id among the requests of one <c>DelegateManyAsync</c> call. Concurrent batches may use the same ids: the
    /// client's registry gets a batch-scoped id (<see cref="DelegationResult.TaskId"/>).
    /// </summary>
    public required string Id { get; init; }

    /// <summary>What kind of work this is; selects the prompt template and post-processor.</summary>
    public required ClaudeTaskType TaskType { get; init; }

    /// <summary>What to do, in plain words.</summary>
    public required string Description { get; init; }

    /// <summary>Named values the template can quote (<c>{param:name}</c>) and that are listed under the description.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The project directory to work in; must lie under one of the configured allowed roots.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Free-text context about the project (stack, conventions) given to the agent.</summary>
    public string? ProjectContext { get; init; }

    /// <summary>Higher runs first when processes are scarce. Default 0.</summary>
    public int Priority { get; init; }

    /// <summary>Ids of requests that must succeed before this one starts.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>When a critical request fails, <c>DelegateManyAsync</c> stops: running requests are cancelled, the rest skipped.</summary>
    public bool Critical { get; init; }

    /// <summary>CLI settings for this request (model, tools, budget …); the prompt and working directory are set by the delegator.</summary>
    public ClaudeRunOptions? RunOptions { get; init; }
}

/// <summary>How a delegated request ended.</summary>
public enum DelegationStatus
{
    /// <summary>The agent finished without error.</summary>
    Succeeded,

    /// <summary>The agent failed (error result, process failure) or the post-processor threw.</summary>
    Failed,

    /// <summary>Not run: a dependency failed or a critical request stopped the batch.</summary>
    Skipped,

    /// <summary>Cancelled by the caller or by a critical failure while running.</summary>
    Cancelled,
}

/// <summary>The outcome of one delegated request.</summary>
public sealed class DelegationResult
{
    /// <summary>The request's id.</summary>
    public required string Id { get; init; }

    /// <summary>The request's task type.</summary>
    public required ClaudeTaskType TaskType { get; init; }

    /// <summary>
    /// The id the run had in the client's task registry (<see cref="IClaudeClient.Tasks"/>): <c>&lt;batch&gt;/&lt;request id&gt;</c>,
    /// unique across concurrent batches. <see langword="null"/> when the request was skipped.
    /// </summary>
    public string? TaskId { get; init; }

    /// <summary>How it ended.</summary>
    public required DelegationStatus Status { get; init; }

    /// <summary>The CLI run, when one finished.</summary>
    public ClaudeRunResult? Run { get; init; }

    /// <summary>The final output: the run's text, or what the task type's post-processor made of it.</summary>
    public string? Output { get; init; }

    /// <summary>Why it failed, was skipped or was cancelled.</summary>
    public string? Reason { get; init; }

    /// <summary>The failure, when there was one.</summary>
    public Exception? Error { get; init; }
}

/// <summary>Turns a finished run into the request's output (e.g. extract a diff, parse test counts).</summary>
/// <returns>The output; throwing marks the request failed.</returns>
public delegate ValueTask<string?> DelegationPostProcessor(DelegationRequest request, ClaudeRunResult run, CancellationToken cancellationToken);

/// <summary>The request graph is invalid: duplicate ids, unknown dependencies, or a cycle.</summary>
public sealed class DelegationGraphException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    public DelegationGraphException(string message, IReadOnlyList<string> requestIds) : base(message) => RequestIds = requestIds;

    /// <summary>Creates the exception.</summary>
    public DelegationGraphException() : this("The delegation graph is invalid.", []) { }

    /// <summary>Creates the exception with a message.</summary>
    public DelegationGraphException(string message) : this(message, []) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DelegationGraphException(string message, Exception? innerException) : base(message, innerException) => RequestIds = [];

    /// <summary>The requests involved (the cycle, the duplicates, or the request with the unknown dependency).</summary>
    public IReadOnlyList<string> RequestIds { get; }
}
