using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;

namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>Runs workflows durably: start, resume after a crash, query, cancel and approve by run id.</summary>
public interface IWorkflowEngine
{
    /// <summary>Validates the inputs, stores the run and starts it in the background.</summary>
    /// <exception cref="WorkflowValidationException">The definition uses node types this engine lacks, or the inputs are invalid.</exception>
    Task<WorkflowRun> StartAsync(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonNode?>? inputs = null, WorkflowRunOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Continues a stored run from its checkpoints: completed nodes keep their outputs and are not run again; nodes that
    /// were running when the host stopped run again (at-least-once). A run already active here is returned as it is.
    /// </summary>
    /// <exception cref="WorkflowRunNotFoundException">The store has no such run.</exception>
    Task<WorkflowRun> ResumeAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>A run's stored state, or <see langword="null"/> when there is no such run.</summary>
    Task<WorkflowRunSnapshot?> GetStatusAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Cancels a run: active here, its nodes and Claude processes stop; stored only, it is marked cancelled.</summary>
    /// <returns>Whether a running or waiting run was cancelled.</returns>
    Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Decides a pending approval. The decision is stored first, so it holds even if the run resumes later.</summary>
    /// <returns>Whether a pending request was decided (false when it was already decided).</returns>
    Task<bool> DecideApprovalAsync(string runId, string nodePath, bool approve, string? comment = null, string? decidedBy = null, CancellationToken cancellationToken = default);

    /// <summary>Events of a run active in this engine from now on (empty when it is not active here).</summary>
    IAsyncEnumerable<WorkflowEvent> WatchAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Checks a definition against this engine's node types; empty when it is valid.</summary>
    IReadOnlyList<WorkflowValidationError> Validate(WorkflowDefinition definition);
}
