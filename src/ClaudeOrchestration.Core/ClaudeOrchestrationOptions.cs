using System.ComponentModel.DataAnnotations;

namespace ClaudeOrchestration;

/// <summary>
/// Suite-wide settings for running the Claude Code CLI. Bound from configuration (section <c>ClaudeOrchestration</c>)
/// and validated at start-up.
/// </summary>
public sealed class ClaudeOrchestrationOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "ClaudeOrchestration";

    /// <summary>
    /// Path to the <c>claude</c> executable. When empty the CLI is looked up on <c>PATH</c>, then in the usual install places.
    /// </summary>
    public string? CliPath { get; set; }

    /// <summary>Skips the start-up check that the CLI is version 2.0 or newer. Default <see langword="false"/>.</summary>
    public bool SkipVersionCheck { get; set; }

    /// <summary>
    /// How many CLI processes a <see cref="Client.ClaudeClient"/> runs at once; further tasks wait in a priority queue. Default 4.
    /// A change through <c>IOptionsMonitor</c> (configuration reload) applies to the running client: raising it starts
    /// waiting tasks, lowering it holds new tasks back until enough running ones finished.
    /// </summary>
    [Range(1, 256, ErrorMessage = "MaxConcurrentProcesses must be between 1 and 256.")]
    public int MaxConcurrentProcesses { get; set; } = 4;

    /// <summary>
    /// The longest stdout line (one JSON message) accepted from the CLI, in bytes. A longer line fails its task with a
    /// <see cref="ClaudeProtocolException"/>; memory never grows past this bound. Default 32 MiB.
    /// </summary>
    [Range(1024, int.MaxValue, ErrorMessage = "MaxLineBytes must be at least 1024 bytes (default 33554432 = 32 MiB).")]
    public int MaxLineBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Per-task timeout when a task does not set its own. <see langword="null"/> (default) means no timeout.</summary>
    public TimeSpan? DefaultTimeout { get; set; }

    /// <summary>
    /// How long a CLI process gets to exit after a polite stop (stdin closed, then SIGTERM) before it and everything it
    /// started are killed. Default 2 seconds.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Default working directory for tasks that do not set one. Defaults to the current directory.</summary>
    public string? DefaultWorkingDirectory { get; set; }

    /// <summary>
    /// Roots that every directory handed to the CLI must lie under, after symbolic links are resolved: the working
    /// directory of one-shot tasks, delegated tasks and sessions, each <c>--add-dir</c>, and directory flags in
    /// <c>ExtraArgs</c>. Empty (default) allows any directory. A violation throws <see cref="ClaudeWorkingDirectoryException"/>.
    /// </summary>
    /// <remarks>This is not a sandbox: what the agent may read, write and run is decided by the CLI's permission mode and tool rules.</remarks>
    public IList<string> AllowedWorkingDirectoryRoots { get; } = [];

    /// <summary>Environment variables added to (or, with a <see langword="null"/> value, removed from) every CLI process.</summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Default model for tasks that do not set one; <see langword="null"/> uses the CLI's default.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Permission mode for tasks that do not set one. Never defaults to bypassing permissions.</summary>
    public ClaudePermissionMode DefaultPermissionMode { get; set; } = ClaudePermissionMode.Default;

    /// <summary>How many trailing stderr lines a failure carries. Default 40.</summary>
    [Range(1, 10_000, ErrorMessage = "StderrTailLines must be between 1 and 10000.")]
    public int StderrTailLines { get; set; } = 40;

    /// <summary>
    /// Start each CLI in its own process group (Linux, via <c>setsid</c>) so that stopping a task also stops every process it
    /// spawned, including background ones that outlive their parent. Default <see langword="true"/>.
    /// </summary>
    public bool UseProcessGroups { get; set; } = true;
}
