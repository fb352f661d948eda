namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>Engine settings; bound from <c>ClaudeOrchestration:Workflows</c> and validated at start-up.</summary>
public sealed class WorkflowEngineOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "ClaudeOrchestration:Workflows";

    /// <summary>Nodes a run may execute at once, unless its definition says otherwise. Default 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Where runs are kept. Default <see cref="WorkflowStorage.Sqlite"/>.</summary>
    public WorkflowStorage Storage { get; set; } = WorkflowStorage.Sqlite;

    /// <summary>
    /// The SQLite file of the run store. Default: <c>workflows.db</c> next to the RAG files (<c>RagOptions.DataDirectory</c>,
    /// else <c>ClaudeOrchestration/rag</c> under the user's local application data folder).
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>How long an approval waits when its node sets no timeout; <see langword="null"/> waits forever. Default 7 days.</summary>
    public TimeSpan? DefaultApprovalTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The largest <c>maxIterations</c> a loop may ask for. Default 1,000.</summary>
    public int MaxLoopIterations { get; set; } = 1_000;

    /// <summary>
    /// Resume runs the store holds as running or waiting when the host starts. Default <see langword="false"/>. Runs another
    /// engine sharing the store is executing (another process on the same SQLite file) are left to it.
    /// </summary>
    public bool ResumeOnStart { get; set; }

    /// <summary>
    /// How long the engine's claim on a run it executes lasts; the engine renews it every third of this. Engines sharing a
    /// run store (several processes on one SQLite file) never execute a run another one holds a claim on; after a crash,
    /// another engine can resume the run once the claim has lapsed: at most this long. Default 30 seconds; at least 1 second.
    /// </summary>
    public TimeSpan RunClaimDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Where the engine keeps runs.</summary>
public enum WorkflowStorage
{
    /// <summary>A SQLite file: runs survive a crash and can be resumed (default).</summary>
    Sqlite,

    /// <summary>Process memory: nothing survives the process.</summary>
    InMemory,
}
