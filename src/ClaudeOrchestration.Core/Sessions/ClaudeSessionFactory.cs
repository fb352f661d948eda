using ClaudeOrchestration.Cli;
using ClaudeOrchestration.Diagnostics;
using ClaudeOrchestration.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Sessions;

/// <summary>
/// Starts <see cref="ClaudeSession"/>s: spawns the CLI with <c>--input-format stream-json --output-format stream-json
/// --verbose</c> (plus <c>--permission-prompt-tool=stdio</c> when a permission handler is set), sends <c>initialize</c>
/// and returns once the CLI has answered it.
/// </summary>
/// <remarks>Sessions do not take <see cref="Client.ClaudeClient"/>'s process slots; see <see cref="ClaudeSession"/>.</remarks>
public sealed class ClaudeSessionFactory
{
    private readonly IOptionsMonitor<ClaudeOrchestrationOptions> _options;
    private readonly ClaudeCliDiscovery _discovery;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates a factory (normally resolved from DI after <c>AddClaudeSessions</c>).</summary>
    /// <param name="options">The suite's options: CLI path, environment, line limit, grace period.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timeouts, or <see langword="null"/> for the system clock.</param>
    public ClaudeSessionFactory(IOptionsMonitor<ClaudeOrchestrationOptions> options, ILogger<ClaudeSession>? logger = null, TimeProvider? timeProvider = null)
        : this(options, new ClaudeCliDiscovery(options ?? throw new ArgumentNullException(nameof(options)), logger), logger, timeProvider)
    {
    }

    internal ClaudeSessionFactory(IOptionsMonitor<ClaudeOrchestrationOptions> options, ClaudeCliDiscovery discovery, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(discovery);
        _options = options;
        _discovery = discovery;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates a factory without DI.</summary>
    /// <param name="options">The suite's options.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>The factory.</returns>
    public static ClaudeSessionFactory Create(ClaudeOrchestrationOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var monitor = new FixedOptionsMonitor<ClaudeOrchestrationOptions>(options);
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        var logger = factory.CreateLogger<ClaudeSession>();
        return new ClaudeSessionFactory(monitor, new ClaudeCliDiscovery(monitor, logger), logger, timeProvider);
    }

    /// <summary>Starts a session and waits until the CLI has answered <c>initialize</c> (about a second).</summary>
    /// <param name="options">The session's settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancelling stops the half-started process.</param>
    /// <returns>The ready session; dispose it to stop the process.</returns>
    /// <exception cref="ClaudeCliNotFoundException">No CLI was found.</exception>
    /// <exception cref="ClaudeProcessException">The CLI exited during start-up (exit code and stderr tail attached).</exception>
    /// <exception cref="TimeoutException">The CLI did not answer <c>initialize</c> within <see cref="ClaudeSessionOptions.InitializeTimeout"/>.</exception>
    public async Task<ClaudeSession> StartAsync(ClaudeSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ClaudeSessionOptions();
        ClaudeSession.ValidateOptions(options);
        var settings = _options.CurrentValue;
        var run = options.RunOptions;
        var workingDirectory = WorkingDirectoryPolicy.From(settings).Apply(run, settings);

        var cli = await _discovery.ResolveAsync(cancellationToken).ConfigureAwait(false);

        // A fresh conversation gets its id up front, so the session id is known before the first turn (and a faulted
        // session can always be resumed).
        var sessionId = run.SessionId;
        if (sessionId is null && run.Resume is null && !run.ContinueConversation)
        {
            sessionId = Guid.NewGuid().ToString();
        }
        else if (run.Resume is { } resume && !run.ForkSession)
        {
            sessionId = resume;
        }

        var extra = new Dictionary<string, string?>(run.ExtraArgs ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
        if (options.CanUseTool is not null)
        {
            extra["permission-prompt-tool"] = "stdio";
        }

        // These travel in initialize, where no argv limit applies.
        var argv = run with
        {
            SystemPrompt = null,
            AppendSystemPrompt = null,
            JsonSchema = null,
            SessionId = run.Resume is null && !run.ContinueConversation ? sessionId : run.SessionId,
            ExtraArgs = extra,
        };

        var arguments = ClaudeArguments.Build(argv, settings, interactive: true);
        ClaudeProcess? process = null;
        try
        {
            Log.Arguments(_logger, string.Join(' ', arguments.Arguments));
            process = ClaudeProcess.Start(
                new ClaudeProcessStartInfo
                {
                    CliPath = cli.Path,
                    Arguments = arguments.Arguments,
                    WorkingDirectory = workingDirectory,
                    Environment = ClaudeEnvironment.Build(settings, run),
                    MaxLineBytes = settings.MaxLineBytes,
                    StderrTailLines = settings.StderrTailLines,
                    GracePeriod = settings.ShutdownGracePeriod,
                    UseProcessGroup = settings.UseProcessGroups,
                    StderrCallback = run.StderrCallback,
                },
                _logger);
        }
        catch
        {
            arguments.Dispose();
            throw;
        }

        var session = new ClaudeSession(
            new ProcessSessionTransport(process), options, _logger, _time, settings.ShutdownGracePeriod, sessionId, arguments, StartAsync);
        await session.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return session;
    }
}
