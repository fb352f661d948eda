using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ClaudeOrchestration.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Transport;

/// <summary>What is needed to start one CLI process.</summary>
internal sealed class ClaudeProcessStartInfo
{
    public required string CliPath { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public required string WorkingDirectory { get; init; }

    /// <summary>Variables to set (value) or remove (null) on top of the inherited environment.</summary>
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

    public required int MaxLineBytes { get; init; }

    public required int StderrTailLines { get; init; }

    public required TimeSpan GracePeriod { get; init; }

    public bool UseProcessGroup { get; init; } = true;

    /// <summary>
    /// How long stdout and stderr are still read after the process exited. A descendant that left the CLI's process group
    /// (setsid, a double fork) can hold the pipes open forever; after this the reads end as if the pipes had closed.
    /// </summary>
    public TimeSpan PipeDrainGrace { get; init; } = TimeSpan.FromMilliseconds(500);

    public Action<string>? StderrCallback { get; init; }
}

/// <summary>
/// One running <c>claude</c> process: stdin for NDJSON writes (serialised), a bounded stdout line reader,
/// stderr pumped line by line into a tail, exit detection that does not depend on pipe EOF, and a termination
/// that escalates (stdin closed → SIGTERM to the process group → SIGKILL to the group and the process tree).
/// </summary>
internal sealed class ClaudeProcess : IAsyncDisposable
{
    private const int MaxStderrLineBytes = 16 * 1024;
    private static readonly ConcurrentDictionary<int, ClaudeProcess> Live = new();
    private static readonly string? SetsidPath = FindSetsid();

    private readonly Process _process;
    private readonly ClaudeProcessStartInfo _info;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<string> _stderrTail = new();
    private readonly BoundedLineReader _stderr;
    private readonly SecretRedactor _redactor;
    private readonly Task _stderrPump;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Task? _termination;
    private bool _stdinClosed;
    private int _disposed;

    static ClaudeProcess()
    {
        // A host that exits (or is stopped) must not leave CLI process groups behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllLive();
    }

    private ClaudeProcess(Process process, ClaudeProcessStartInfo info, bool inOwnGroup, ILogger logger)
    {
        _process = process;
        _info = info;
        _redactor = SecretRedactor.For(info.Environment);
        _logger = logger;
        ProcessId = process.Id;
        InOwnProcessGroup = inOwnGroup;
        StartedAt = DateTimeOffset.UtcNow;
        Output = new BoundedLineReader(process.StandardOutput.BaseStream, info.MaxLineBytes);
        _stderr = new BoundedLineReader(process.StandardError.BaseStream, MaxStderrLineBytes, truncateLongLines: true);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>The CLI's process id (also its process group id when <see cref="InOwnProcessGroup"/>).</summary>
    public int ProcessId { get; }

    /// <summary>Whether the CLI leads its own process group, so the whole group can be signalled.</summary>
    public bool InOwnProcessGroup { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The CLI's stdout, one NDJSON line at a time.</summary>
    public BoundedLineReader Output { get; }

    /// <summary>Completes with the exit code when the process exits (independent of its pipes, which a grandchild may hold).</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>How many CLI processes this host has running right now.</summary>
    public static int LiveCount => Live.Count;

    public static ClaudeProcess Start(ClaudeProcessStartInfo info, ILogger logger)
    {
        var useGroup = info.UseProcessGroup && SetsidPath is not null;
        var psi = new ProcessStartInfo
        {
            FileName = useGroup ? SetsidPath! : info.CliPath,
            WorkingDirectory = info.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        if (useGroup)
        {
            // setsid makes the CLI the leader of a new process group (exec, same pid); --wait keeps the pid meaningful
            // even on the rare path where setsid has to fork.
            psi.ArgumentList.Add("--wait");
            psi.ArgumentList.Add(info.CliPath);
        }

        foreach (var argument in info.Arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in info.Environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        try
        {
            if (!process.Start())
            {
                throw new ClaudeProcessException($"The claude CLI at '{info.CliPath}' could not be started.", null, []);
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new ClaudeCliNotFoundException($"The claude CLI at '{info.CliPath}' could not be started: {ex.Message}", ex);
        }

        var started = new ClaudeProcess(process, info, useGroup, logger);
        Live[started.ProcessId] = started;
        ClaudeTelemetry.ActiveProcesses.Add(1);
        Log.ProcessStarted(logger, started.ProcessId, info.Arguments.Count, useGroup);

        // Only now: a process that exits at once must find itself in Live to be removed from it.
        _ = started.WatchExitAsync();
        return started;
    }

    /// <summary>Writes one NDJSON line (the terminator is added) to stdin; writes from many callers are serialised.</summary>
    /// <param name="utf8Json">The line, without its terminator.</param>
    /// <param name="cancellationToken">
    /// Cancels the wait for the write lock only. A line that has started to go out is finished, never torn: half a line
    /// followed by the next frame would be one unparseable line for the CLI. A CLI that stops reading blocks the write
    /// until the process is terminated, which fails it; callers that need a bound wait on the returned task with one.
    /// </param>
    /// <returns>A task that completes when the line is written and flushed.</returns>
    public async Task WriteLineAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        var length = utf8Json.Length + 1;
        var line = ArrayPool<byte>.Shared.Rent(length);
        utf8Json.Span.CopyTo(line);
        line[length - 1] = (byte)'\n';
        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_stdinClosed, this);
                var stdin = _process.StandardInput.BaseStream;
                await stdin.WriteAsync(line.AsMemory(0, length), CancellationToken.None).ConfigureAwait(false);
                await stdin.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new ClaudeProcessException("Writing to the claude CLI failed: its stdin is closed (the process has probably exited).", ExitCodeOrNull(), StderrTail(), ex);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(line);
        }
    }

    /// <summary>Closes stdin after any line being written: for a one-shot run the CLI finishes its turn and exits.</summary>
    public async ValueTask CloseStdinAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            CloseStdinLocked();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void CloseStdinLocked()
    {
        if (_stdinClosed)
        {
            return;
        }

        _stdinClosed = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone with the process: nothing left to close.
        }
    }

    /// <summary>The last stderr lines, oldest first, with secrets masked (<see cref="SecretRedactor"/>).</summary>
    public IReadOnlyList<string> StderrTail()
    {
        lock (_stderrTail)
        {
            return [.. _stderrTail];
        }
    }

    /// <summary>
    /// Completes when stderr has been read to its end, so the tail is complete. After the process exited, a pipe that stays
    /// silent for <see cref="ClaudeProcessStartInfo.PipeDrainGrace"/> counts as ended, even when a stray descendant still
    /// holds it; <see cref="WaitStderrDrainedAsync"/> also bounds one that keeps writing.
    /// </summary>
    public Task StderrDrained => _stderrPump;

    /// <summary>
    /// Ends the reads of stdout and stderr now: they hand out what is already buffered, then report end of stream. For
    /// callers that give up on a process (it did not die, or its result is already in).
    /// </summary>
    public void AbandonPipes()
    {
        Output.Abandon();
        _stderr.Abandon();
    }

    /// <summary>
    /// Stops the process and everything it started: close stdin, SIGTERM the group, wait the grace period,
    /// then SIGKILL the group and kill the process tree. Idempotent; safe to call concurrently.
    /// </summary>
    public Task TerminateAsync()
    {
        lock (_gate)
        {
            return _termination ??= TerminateCoreAsync();
        }
    }

    private async Task TerminateCoreAsync()
    {
        if (!HasExited)
        {
            Log.ProcessTerminating(_logger, ProcessId);

            // Never wait for the write lock here: a writer blocked on a CLI that stopped reading holds it until the process
            // dies, so waiting would keep the signals below from ever being sent. That writer fails once the process is gone.
            if (_writeLock.Wait(0))
            {
                try
                {
                    CloseStdinLocked();
                }
                finally
                {
                    _writeLock.Release();
                }
            }

            Signal(UnixSignals.SigTerm);
            if (!await WaitExitAsync(_info.GracePeriod).ConfigureAwait(false))
            {
                Log.ProcessKilled(_logger, ProcessId);
                Signal(UnixSignals.SigKill);
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Exited in between.
                }

                await WaitExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }

        SweepGroup();
    }

    private void Signal(int signal)
    {
        if (InOwnProcessGroup)
        {
            UnixSignals.SignalGroup(ProcessId, signal);
            return;
        }

        if (signal != UnixSignals.SigKill && UnixSignals.IsSupported)
        {
            // No group of its own: a graceful SIGTERM to the CLI alone (its children get SIGKILL with the tree below).
            UnixSignals.SignalProcess(ProcessId, signal);
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Kills whatever is left in the CLI's process group (background jobs its tools started).</summary>
    private void SweepGroup()
    {
        if (InOwnProcessGroup && UnixSignals.SignalGroup(ProcessId, UnixSignals.SigKill))
        {
            Log.ProcessGroupSwept(_logger, ProcessId);
        }
    }

    private async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task WatchExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        finally
        {
            var code = _process.ExitCode;
            if (Live.TryRemove(new KeyValuePair<int, ClaudeProcess>(ProcessId, this)))
            {
                ClaudeTelemetry.ActiveProcesses.Add(-1);
            }

            // Background jobs of the CLI's tools die with it; they also hold our pipes open otherwise.
            SweepGroup();
            Log.ProcessExited(_logger, ProcessId, code);
            _exited.TrySetResult(code);

            // Whatever the CLI wrote before it exited is already in the pipes and reads at once (however slowly the consumer
            // reads); only a writer that outlived the CLI (outside its process group, so the sweep did not reach it) keeps
            // a read waiting, and from now on not longer than the drain grace.
            Output.EndWhenIdle(_info.PipeDrainGrace);
            _stderr.EndWhenIdle(_info.PipeDrainGrace);
        }
    }

    /// <summary>
    /// Waits until stderr is read to its end so the tail is complete: bounded after the exit, even when a stray descendant
    /// holds the pipe open or keeps writing to it.
    /// </summary>
    public async Task WaitStderrDrainedAsync()
    {
        if (!HasExited)
        {
            AbandonPipes();
        }

        try
        {
            await _stderrPump.WaitAsync(_info.PipeDrainGrace * 2).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Something outside the group keeps writing: stop listening.
            _stderr.Abandon();
            await _stderrPump.ConfigureAwait(false);
        }

        if (_stderr.EndedIdle || Output.EndedIdle)
        {
            Log.PipesAbandoned(_logger, ProcessId);
        }
    }

    private async Task PumpStderrAsync()
    {
        var reader = _stderr;
        await using var _ = reader.ConfigureAwait(false);
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                var text = Encoding.UTF8.GetString(line);

                // stderr can quote prompts, file contents and secrets: the tail and the log get it redacted, and the log
                // only at Trace. The host's own callback gets the line as written.
                var redacted = _redactor.Redact(text);
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(redacted);
                    while (_stderrTail.Count > _info.StderrTailLines)
                    {
                        _stderrTail.Dequeue();
                    }
                }

                Log.StderrLine(_logger, ProcessId, redacted);
                try
                {
                    _info.StderrCallback?.Invoke(text);
                }
                catch (Exception ex)
                {
                    Log.StderrCallbackFailed(_logger, ex);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The pipe closed under us at shutdown: the tail holds what arrived.
        }
    }

    private int? ExitCodeOrNull() => HasExited ? _exited.Task.Result : null;

    private static void KillAllLive()
    {
        foreach (var process in Live.Values)
        {
            process.Signal(UnixSignals.SigKill);
            process.SweepGroup();
        }
    }

    private static string? FindSetsid()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var candidate in new[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await TerminateAsync().ConfigureAwait(false);
        await WaitStderrDrainedAsync().ConfigureAwait(false);
        await Output.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();

        // _writeLock is not disposed: a writer that was blocked on the dead pipe may still be about to release it.
    }
}
