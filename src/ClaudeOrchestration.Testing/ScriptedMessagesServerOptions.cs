using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Testing;

/// <summary>Settings for <see cref="ScriptedMessagesServer.StartAsync"/>. They are read once, when the server starts.</summary>
public sealed class ScriptedMessagesServerOptions
{
    /// <summary>
    /// Whether side calls (requests offering no tools, and the <c>max_tokens:1</c> model check) get
    /// <see cref="SideCallReplyText"/> without consuming rules or the queue. Default: <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// Turn this off for runs with <c>--tools ""</c>: their main turns offer no tools either, so they would be taken for side calls.
    /// </remarks>
    public bool AnswerSideCallsAutomatically { get; set; } = true;

    /// <summary>The text of the automatic side-call reply. Default: <c>Scripted side reply</c>.</summary>
    public string SideCallReplyText { get; set; } = "Scripted side reply";

    /// <summary>
    /// When set, <c>/v1/*</c> requests must carry this key (as <c>x-api-key</c> or <c>Authorization: Bearer</c>) or get a 401
    /// <c>authentication_error</c>. It is also the key <see cref="ScriptedMessagesServer.CreateCliEnvironment"/> hands to the CLI.
    /// Default: <see langword="null"/>, any key or none is accepted.
    /// </summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>
    /// The <c>CLAUDE_CODE_MAX_RETRIES</c> value <see cref="ScriptedMessagesServer.CreateCliEnvironment"/> gives the CLI.
    /// Default: 0, so a scripted error fails the run at once (with the CLI's default a refused connection took minutes).
    /// </summary>
    public int CliMaxRetries { get; set; }

    /// <summary>
    /// How long <see cref="ScriptedMessagesServer.DisposeAsync"/> lets responses still being written finish before it closes their
    /// connections. Delayed replies do not count: disposal ends their wait at once. Default: 5 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock that runs <see cref="ScriptedReply.WithDelay"/>; a fake one makes delays fully test-controlled. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the server and its Kestrel listener log. Default: <see langword="null"/>, no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        if (SideCallReplyText is null)
        {
            throw new ArgumentException(
                $"{nameof(ScriptedMessagesServerOptions)}.{nameof(SideCallReplyText)} must not be null; use an empty string for an empty reply.", "options");
        }

        if (RequiredApiKey is not null && string.IsNullOrWhiteSpace(RequiredApiKey))
        {
            throw new ArgumentException(
                $"{nameof(ScriptedMessagesServerOptions)}.{nameof(RequiredApiKey)} must be null (accept any key) or a non-blank key.", "options");
        }

        if (CliMaxRetries < 0)
        {
            throw new ArgumentException(
                $"{nameof(ScriptedMessagesServerOptions)}.{nameof(CliMaxRetries)} is {CliMaxRetries}; use 0 (no retries) or more.", "options");
        }

        if (ShutdownTimeout <= TimeSpan.Zero && ShutdownTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException(
                $"{nameof(ScriptedMessagesServerOptions)}.{nameof(ShutdownTimeout)} is {ShutdownTimeout}; use a positive value or Timeout.InfiniteTimeSpan.", "options");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException(
                $"{nameof(ScriptedMessagesServerOptions)}.{nameof(TimeProvider)} must not be null; leave it at TimeProvider.System for real time.", "options");
        }
    }
}
