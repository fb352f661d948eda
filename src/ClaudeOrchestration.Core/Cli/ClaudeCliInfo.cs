namespace ClaudeOrchestration.Cli;

/// <summary>The CLI that tasks run: where it is and which version it reported.</summary>
public sealed class ClaudeCliInfo
{
    /// <summary>The oldest CLI version this library drives.</summary>
    public static readonly Version MinimumVersion = new(2, 0, 0);

    /// <summary>Full path of the executable.</summary>
    public required string Path { get; init; }

    /// <summary>The version <c>claude --version</c> printed; <see langword="null"/> when the check was skipped.</summary>
    public Version? Version { get; init; }
}

/// <summary>The CLI is older than <see cref="ClaudeCliInfo.MinimumVersion"/> or its version could not be read.</summary>
public sealed class ClaudeCliVersionException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    public ClaudeCliVersionException(string message, string? reportedVersion = null) : base(message) => ReportedVersion = reportedVersion;

    /// <summary>Creates the exception.</summary>
    public ClaudeCliVersionException() : this("The claude CLI version is not supported.") { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ClaudeCliVersionException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>What the CLI printed for its version.</summary>
    public string? ReportedVersion { get; }
}
