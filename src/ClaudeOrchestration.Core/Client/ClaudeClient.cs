using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClaudeOrchestration.Cli;
using ClaudeOrchestration.Diagnostics;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Client;

/// <summary>
/// The default <see cref="IClaudeClient"/>: spawns the CLI with stream-json in and out, writes the prompt as one user
/// message and closes stdin, reads stdout through a bounded line reader, enforces the process limit with a priority
/// queue, and stops the whole process tree on cancellation, timeout or early disposal.
/// </summary>
public sealed class ClaudeClient : IClaudeClient
{
    private static readonly ClaudeRunOptions DefaultRunOptions = new();
    private readonly IOptionsMonitor<ClaudeOrchestrationOptions> _options;
    private readonly ClaudeCliDiscovery _discovery;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ProcessSlots _slots;

    /// <summary>Creates a client (normally resolved from DI after <c>AddClaudeOrchestration</c>, which shares one CLI discovery).</summary>
    /// <param name="options">The suite's options; <see cref="ClaudeOrchestrationOptions.MaxConcurrentProcesses"/> follows changes.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timeouts, or <see langword="null"/> for the system clock.</param>
    public ClaudeClient(IOptionsMonitor<ClaudeOrchestrationOptions> options, ILogger<ClaudeClient>? logger = null, TimeProvider? timeProvider = null)
        : this(options, new ClaudeCliDiscovery(options ?? throw new ArgumentNullException(nameof(options)), logger), logger, timeProvider)
    {
    }

    internal ClaudeClient(IOptionsMonitor<ClaudeOrchestrationOptions> options, ClaudeCliDiscovery discovery, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(discovery);
        _options = options;
        _discovery = discovery;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _slots = new ProcessSlots(options.CurrentValue.MaxConcurrentProcesses);

        // MaxConcurrentProcesses is live: a raised limit starts waiting tasks at once, a lowered one holds new tasks back
        // until enough running ones finished. (The subscription lives as long as the monitor; the client is a singleton.)
        _ = options.OnChange((o, name) =>
        {
            // Only the unnamed options are the client's (CurrentValue); a change to some named instance is not.
            if (name is null || name == Options.DefaultName)
            {
                _slots.SetCapacity(o.MaxConcurrentProcesses);
            }
        });
    }

    /// <summary>Creates a client without DI.</summary>
    public static ClaudeClient Create(ClaudeOrchestrationOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var monitor = new FixedOptionsMonitor<ClaudeOrchestrationOptions>(options);
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        var logger = factory.CreateLogger<ClaudeClient>();
        return new ClaudeClient(monitor, new ClaudeCliDiscovery(monitor, logger), logger, null);
    }

    /// <inheritdoc />
    public IClaudeTaskRegistry Tasks => Registry;

    internal ClaudeTaskRegistry Registry { get; } = new();

    /// <summary>Where task durations, tokens and cost are recorded; tests give a client its own meter.</summary>
    internal ClaudeTaskMetrics Metrics { get; set; } = ClaudeTelemetry.TaskMetrics;

    /// <summary>The most CLI processes this client has had running at once (for tests).</summary>
    internal int PeakConcurrentProcesses => _slots.PeakInUse;

    /// <inheritdoc />
    public async Task<ClaudeRunResult> RunAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var messages = new List<ClaudeMessage>();
        ResultMessage? result = null;
        await foreach (var message in StreamAsync(prompt, options, cancellationToken).ConfigureAwait(false))
        {
            messages.Add(message);
            if (message is ResultMessage r)
            {
                result = r;
            }
        }

        // StreamAsync throws when the process ends without a result, so a result is here.
        return ClaudeRunResult.From(result!, messages);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ClaudeMessage> StreamAsync(
        string prompt,
        ClaudeRunOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        options ??= DefaultRunOptions;
        var run = await StartAsync(prompt, options, cancellationToken).ConfigureAwait(false);
        await using (run.ConfigureAwait(false))
        {
            while (await run.ReadNextAsync().ConfigureAwait(false) is { } message)
            {
                yield return message;
            }
        }
    }

    private async Task<Run> StartAsync(string prompt, ClaudeRunOptions options, CancellationToken cancellationToken)
    {
        var settings = _options.CurrentValue;
        _slots.SetCapacity(settings.MaxConcurrentProcesses);
        var workingDirectory = WorkingDirectoryPolicy.From(settings).Apply(options, settings);
        var cli = await _discovery.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var arguments = ClaudeArguments.Build(options, settings);
        var taskId = options.TaskId ?? Guid.NewGuid().ToString("n");
        ClaudeTaskRegistry.Entry entry;
        try
        {
            entry = Registry.Register(taskId, _time);
        }
        catch
        {
            arguments.Dispose();
            throw;
        }

        var run = new Run(this, entry, arguments, options, settings, cancellationToken);
        try
        {
            await run.StartAsync(cli.Path, workingDirectory, prompt).ConfigureAwait(false);
            return run;
        }
        catch (Exception ex)
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw run.MapFailure(ex);
        }
    }

    internal static byte[] SerializeUserMessage(string prompt)
    {
        var buffer = new ArrayBufferWriter<byte>(prompt.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "user");
            writer.WriteString("session_id", string.Empty);
            writer.WriteStartObject("message");
            writer.WriteString("role", "user");
            writer.WriteStartArray("content");
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", prompt);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteNull("parent_tool_use_id");
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One task from slot to exit.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly ClaudeClient _client;
        private readonly ClaudeTaskRegistry.Entry _entry;
        private readonly ClaudeArguments _arguments;
        private readonly ClaudeRunOptions _options;
        private readonly ClaudeOrchestrationOptions _settings;
        private readonly CancellationToken _callerToken;
        private readonly CancellationTokenSource _linked;
        private readonly CancellationTokenSource? _timeout;
        private readonly TimeSpan? _timeoutValue;
        private readonly Activity? _activity;
        private readonly long _startTimestamp;
        private readonly CancellationTokenSource _afterResult = new();
        private IDisposable? _slot;
        private ClaudeProcess? _process;
        private ResultMessage? _result;
        private bool _finished;

        public Run(ClaudeClient client, ClaudeTaskRegistry.Entry entry, ClaudeArguments arguments, ClaudeRunOptions options,
            ClaudeOrchestrationOptions settings, CancellationToken callerToken)
        {
            _client = client;
            _entry = entry;
            _arguments = arguments;
            _options = options;
            _settings = settings;
            _callerToken = callerToken;
            _timeoutValue = options.Timeout ?? settings.DefaultTimeout;
            if (_timeoutValue is { } timeout)
            {
                _timeout = new CancellationTokenSource(timeout, client._time);
            }

            _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, entry.CancellationToken, _timeout?.Token ?? CancellationToken.None);
            _activity = ClaudeTelemetry.Source.StartActivity("claude.task", ActivityKind.Client);
            _activity?.SetTag("gen_ai.system", "anthropic");
            _activity?.SetTag("gen_ai.operation.name", "invoke_agent");
            _activity?.SetTag("claude.task.id", entry.Id);
            if ((options.Model ?? settings.DefaultModel) is { } model)
            {
                _activity?.SetTag("gen_ai.request.model", model);
            }

            _startTimestamp = Stopwatch.GetTimestamp();
        }

        private CancellationToken Token => _linked.Token;

        public async Task StartAsync(string cliPath, string workingDirectory, string prompt)
        {
            _slot = await _client._slots.AcquireAsync(_options.Priority, Token).ConfigureAwait(false);
            Log.Arguments(_client._logger, string.Join(' ', _arguments.Arguments));
            _process = ClaudeProcess.Start(
                new ClaudeProcessStartInfo
                {
                    CliPath = cliPath,
                    Arguments = _arguments.Arguments,
                    WorkingDirectory = workingDirectory,
                    Environment = ClaudeEnvironment.Build(_settings, _options),
                    MaxLineBytes = _settings.MaxLineBytes,
                    StderrTailLines = _settings.StderrTailLines,
                    GracePeriod = _settings.ShutdownGracePeriod,
                    UseProcessGroup = _settings.UseProcessGroups,
                    StderrCallback = _options.StderrCallback,
                },
                _client._logger);
            _entry.Running(_process.ProcessId, _client._time.GetUtcNow());

            // The slot is the process: it frees when the CLI exits, not when its pipes close (a descendant that left the
            // process group may hold them a while longer).
            _ = ReleaseOnExitAsync(_process, _slot);
            _activity?.SetTag("process.pid", _process.ProcessId);
            Log.TaskStarted(_client._logger, _entry.Id, _process.ProcessId);

            // Stopping a run (cancel, timeout, cancel-by-id) stops the process tree at once; the reader then sees EOF.
            Token.Register(static p => _ = ((ClaudeProcess)p!).TerminateAsync(), _process);

            // One user message, then stdin closes: the CLI answers that one turn and exits.
            try
            {
                await _process.WriteLineAsync(SerializeUserMessage(prompt), Token).ConfigureAwait(false);
            }
            catch (ClaudeProcessException)
            {
                // The CLI is already gone (bad flags, startup failure): reading its output reaches EOF and reports the
                // exit code with the stderr tail, which says far more than a broken pipe.
            }

            await _process.CloseStdinAsync().ConfigureAwait(false);
        }

        public async ValueTask<ClaudeMessage?> ReadNextAsync()
        {
            var process = _process!;
            try
            {
                while (true)
                {
                    var line = await process.Output.ReadLineAsync(Token).ConfigureAwait(false);
                    if (line is not { } bytes)
                    {
                        await FinishAsync().ConfigureAwait(false);
                        return null;
                    }

                    var message = ClaudeMessageParser.Parse(bytes);
                    if (message is null)
                    {
                        Log.SkippedNonJsonLine(_client._logger, process.ProcessId, bytes.Length);
                        continue;
                    }

                    if (message is ResultMessage result && _result is null)
                    {
                        _result = result;
                        // The CLI exits about 60 ms after its result; if it lingers, stop it rather than wait forever.
                        _afterResult.Token.Register(static p => _ = StopAfterResultAsync((ClaudeProcess)p!), process);
                        _afterResult.CancelAfter(_settings.ShutdownGracePeriod + TimeSpan.FromSeconds(5));
                    }

                    return message;
                }
            }
            catch (Exception ex) when (!_finished)
            {
                _finished = true;
                await process.TerminateAsync().ConfigureAwait(false);
                var mapped = MapFailure(ex);
                Record(mapped);
                throw mapped;
            }
        }

        private async Task FinishAsync()
        {
            var process = _process!;
            // EOF: the process is exiting (or a stray grandchild closed its copy of the pipe); give it the grace period.
            try
            {
                await process.Exited.WaitAsync(_settings.ShutdownGracePeriod, _client._time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await process.TerminateAsync().ConfigureAwait(false);
            }

            // Bounded: after the exit stderr ends within the drain grace, even if a stray descendant still holds it.
            await process.WaitStderrDrainedAsync().ConfigureAwait(false);
            _finished = true;
            if (_result is null)
            {
                var code = process.HasExited ? process.Exited.Result : (int?)null;
                var tail = process.StderrTail();

                // Whatever the exit code (0 included), output that ends without a result is a process failure. The message
                // never quotes stderr, which may hold prompts or secrets; the redacted tail is in StderrTail.
                var failure = new ClaudeProcessException(
                    $"The claude CLI exited with code {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} without a result for task '{_entry.Id}'. {DescribeTail(tail)}",
                    code, tail);
                Record(failure);
                throw failure;
            }

            Record(null);
        }

        internal Exception MapFailure(Exception ex)
        {
            if (ex is OperationCanceledException)
            {
                if (_callerToken.IsCancellationRequested)
                {
                    return new OperationCanceledException($"Claude task '{_entry.Id}' was cancelled; its process tree was stopped.", ex, _callerToken);
                }

                if (_timeout?.IsCancellationRequested == true)
                {
                    return new TimeoutException($"Claude task '{_entry.Id}' timed out after {_timeoutValue}; its process tree was stopped.", ex);
                }

                if (_entry.CancellationToken.IsCancellationRequested)
                {
                    return new OperationCanceledException($"Claude task '{_entry.Id}' was cancelled through the task registry; its process tree was stopped.", ex);
                }
            }

            if (ex is LineTooLongException tooLong)
            {
                return new ClaudeProtocolException(
                    $"The claude CLI wrote a line longer than MaxLineBytes ({tooLong.MaxLineBytes} bytes); task '{_entry.Id}' was stopped. Raise ClaudeOrchestrationOptions.MaxLineBytes if such output is expected.",
                    tooLong.Preview, tooLong);
            }

            if (ex is IOException io && _process is { } process)
            {
                var tail = process.StderrTail();
                return new ClaudeProcessException($"Reading from the claude CLI failed: {io.Message}. {DescribeTail(tail)}", process.HasExited ? process.Exited.Result : null, tail, io);
            }

            return ex;
        }

        private void Record(Exception? failure)
        {
            var elapsed = Stopwatch.GetElapsedTime(_startTimestamp);
            var tags = new TagList { { "gen_ai.system", "anthropic" } };
            if (failure is not null)
            {
                var cancelled = failure is OperationCanceledException or TimeoutException;
                _entry.Finished(cancelled ? ClaudeTaskState.Cancelled : ClaudeTaskState.Failed);
                tags.Add("error.type", failure.GetType().Name);
                _activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                _activity?.SetTag("error.type", failure.GetType().Name);
                if (cancelled)
                {
                    Log.TaskCancelled(_client._logger, _entry.Id);
                }
                else
                {
                    Log.TaskFailed(_client._logger, _entry.Id, failure);
                }
            }
            else if (_result is { } result)
            {
                _entry.Finished(ClaudeTaskState.Completed);
                var run = ClaudeRunResult.From(result, []);
                tags.Add("claude.result.subtype", run.Subtype);
                if (run.IsError)
                {
                    tags.Add("error.type", run.Subtype);
                    _activity?.SetStatus(ActivityStatusCode.Error, run.Subtype);
                }

                _activity?.SetTag("claude.session.id", run.SessionId);
                _activity?.SetTag("claude.result.subtype", run.Subtype);
                _activity?.SetTag("claude.terminal_reason", run.TerminalReason);
                _activity?.SetTag("claude.cost_usd", (double)run.TotalCostUsd);
                _activity?.SetTag("gen_ai.usage.input_tokens", run.InputTokens);
                _activity?.SetTag("gen_ai.usage.output_tokens", run.OutputTokens);
                _client.Metrics.TokenUsage.Add(run.InputTokens, new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
                _client.Metrics.TokenUsage.Add(run.OutputTokens, new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
                _client.Metrics.Cost.Add((double)run.TotalCostUsd);
                Log.TaskFinished(_client._logger, _entry.Id, run.Subtype, run.IsError, run.NumTurns, run.TotalCostUsd);
            }

            _client.Metrics.TaskDuration.Record(elapsed.TotalSeconds, tags);
        }

        private static string DescribeTail(IReadOnlyList<string> tail) => tail.Count == 0
            ? "It wrote nothing to stderr."
            : $"Its last {tail.Count} stderr line(s) are in ClaudeProcessException.StderrTail.";

        private static async Task StopAfterResultAsync(ClaudeProcess process)
        {
            await process.TerminateAsync().ConfigureAwait(false);

            // The result is in: whatever else a stray descendant keeps writing is not waited for.
            process.AbandonPipes();
        }

        private static async Task ReleaseOnExitAsync(ClaudeProcess process, IDisposable slot)
        {
            await process.Exited.ConfigureAwait(false);
            slot.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            if (_process is { } process)
            {
                if (!_finished)
                {
                    // The consumer stopped reading: after the result that is a normal end; before it, the task is
                    // abandoned. Either way it ends here, with its processes.
                    _finished = true;
                    Record(_result is null ? new OperationCanceledException("The consumer stopped reading the stream before the result.") : null);
                }

                await process.DisposeAsync().ConfigureAwait(false);
            }
            else if (!_finished)
            {
                _entry.Finished(ClaudeTaskState.Failed);
            }

            _slot?.Dispose();
            _client.Registry.Remove(_entry);
            _arguments.Dispose();
            _afterResult.Dispose();
            _linked.Dispose();
            _timeout?.Dispose();
            _activity?.Dispose();
        }
    }
}
