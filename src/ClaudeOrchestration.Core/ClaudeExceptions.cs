using ClaudeOrchestration.Client;

namespace ClaudeOrchestration;

/// <summary>Base type of every failure this suite reports about the Claude Code CLI.</summary>
public class ClaudeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClaudeException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ClaudeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ClaudeException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The <c>claude</c> executable was not found, or is too old.</summary>
public sealed class ClaudeCliNotFoundException : ClaudeException
{
    /// <summary>Creates the exception with the places that were searched.</summary>
    public ClaudeCliNotFoundException(string message, IReadOnlyList<string> searchedPaths) : base(message) => SearchedPaths = searchedPaths;

    /// <summary>Creates the exception.</summary>
    public ClaudeCliNotFoundException() : this("The claude CLI was not found.", []) { }

    /// <summary>Creates the exception with a message.</summary>
    public ClaudeCliNotFoundException(string message) : this(message, []) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ClaudeCliNotFoundException(string message, Exception? innerException) : base(message, innerException) => SearchedPaths = [];

    /// <summary>Every path that was looked at, in order.</summary>
    public IReadOnlyList<string> SearchedPaths { get; }
}

/// <summary>
/// The CLI process ended without producing a result, whatever its exit code (a crash, bad arguments, a kill, or exit 0
/// without a result line), or its pipes failed.
/// </summary>
/// <remarks>
/// The message never quotes stderr: it can hold prompts, file contents or secrets, and exception messages end up in logs.
/// The last lines are in <see cref="StderrTail"/>, bounded and with secret-looking values masked.
/// </remarks>
public sealed class ClaudeProcessException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    public ClaudeProcessException(string message, int? exitCode, IReadOnlyList<string> stderrTail, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        StderrTail = stderrTail;
    }

    /// <summary>Creates the exception.</summary>
    public ClaudeProcessException() : this("The claude process failed.", null, []) { }

    /// <summary>Creates the exception with a message.</summary>
    public ClaudeProcessException(string message) : this(message, null, []) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ClaudeProcessException(string message, Exception? innerException) : this(message, null, [], innerException) { }

    /// <summary>The process exit code, when it exited.</summary>
    public int? ExitCode { get; }

    /// <summary>
    /// The last lines the CLI wrote to stderr (at most <see cref="ClaudeOrchestrationOptions.StderrTailLines"/>, each cut at
    /// 16 KiB), with values of secret environment variables and key-shaped strings replaced by <c>[REDACTED]</c>.
    /// </summary>
    public IReadOnlyList<string> StderrTail { get; }
}

/// <summary>
/// The CLI broke the stream-json protocol: a stdout line over <see cref="ClaudeOrchestrationOptions.MaxLineBytes"/>, a
/// malformed control message. Output that ends without a result is a <see cref="ClaudeProcessException"/>.
/// </summary>
public sealed class ClaudeProtocolException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    public ClaudeProtocolException(string message, string? offendingLine = null, Exception? innerException = null)
        : base(message, innerException) => OffendingLine = offendingLine;

    /// <summary>Creates the exception.</summary>
    public ClaudeProtocolException() : this("The claude CLI broke the stream-json protocol.") { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ClaudeProtocolException(string message, Exception? innerException) : this(message, null, innerException) { }

    /// <summary>The start of the offending output (truncated), when there is one.</summary>
    public string? OffendingLine { get; }
}

/// <summary>
/// A directory handed to the CLI (working directory, <c>--add-dir</c>, a directory flag in <c>ExtraArgs</c>) lies outside
/// <see cref="ClaudeOrchestrationOptions.AllowedWorkingDirectoryRoots"/> once symbolic links are resolved.
/// </summary>
/// <remarks>The roots keep a host from pointing the CLI somewhere it did not mean to; the CLI's permission modes are the sandbox.</remarks>
public sealed class ClaudeWorkingDirectoryException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and how to fix it.</param>
    /// <param name="path">The refused directory, symbolic links resolved.</param>
    /// <param name="allowedRoots">The configured roots.</param>
    public ClaudeWorkingDirectoryException(string message, string path, IReadOnlyList<string> allowedRoots)
        : base(message)
    {
        Path = path;
        AllowedRoots = allowedRoots;
    }

    /// <summary>Creates the exception.</summary>
    public ClaudeWorkingDirectoryException() : this("The directory lies outside the allowed roots.", string.Empty, []) { }

    /// <summary>Creates the exception with a message.</summary>
    public ClaudeWorkingDirectoryException(string message) : this(message, string.Empty, []) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ClaudeWorkingDirectoryException(string message, Exception? innerException) : base(message, innerException)
    {
        Path = string.Empty;
        AllowedRoots = [];
    }

    /// <summary>The refused directory, with symbolic links resolved.</summary>
    public string Path { get; }

    /// <summary>The allowed roots as configured.</summary>
    public IReadOnlyList<string> AllowedRoots { get; }
}

/// <summary>The run finished with an error result: max turns, budget, an API error, an execution error.</summary>
public sealed class ClaudeResultException : ClaudeException
{
    /// <summary>Creates the exception for a result.</summary>
    public ClaudeResultException(ClaudeRunResult result)
        : base(Describe(result)) => Result = result;

    /// <summary>The error result.</summary>
    public ClaudeRunResult Result { get; }

    private static string Describe(ClaudeRunResult result)
    {
        var detail = result.Errors.Count > 0 ? string.Join("; ", result.Errors) : result.Text;
        var status = result.ApiErrorStatus is { } s ? $" (API status {s})" : string.Empty;
        return $"Claude run failed: {result.Subtype}{status}, terminal reason '{result.TerminalReason ?? "unknown"}': {Truncate(detail, 500)}";
    }

    private static string Truncate(string? text, int max) =>
        text is null ? string.Empty : text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
}
