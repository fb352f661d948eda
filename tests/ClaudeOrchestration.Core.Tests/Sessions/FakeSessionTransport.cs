using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ClaudeOrchestration.Sessions;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>
/// A hand-written <see cref="ISessionTransport"/>: the test plays the CLI, emitting stdout lines and reading what the session
/// wrote. Closing stdin or terminating "exits" the fake process.
/// </summary>
internal sealed class FakeSessionTransport : ISessionTransport
{
    private readonly Channel<byte[]> _output = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<JsonElement> _written = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _allWritten = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(int Count, TaskCompletionSource Reached)> _readWaiters = [];
    private int _reads;

    public int ProcessId => 4242;

    public Task<int> Exited => _exited.Task;

    public Task StderrDrained => _exited.Task;

    public int TerminateCount { get; private set; }

    /// <summary>Completes when the session first terminates the process.</summary>
    public Task Terminated => _terminated.Task;

    /// <summary>The CLI stops reading stdin: writes block (ignoring cancellation, like a full pipe) until the process exits.</summary>
    public bool StallWrites { get; set; }

    public List<string> Stderr { get; } = [];

    public IReadOnlyList<JsonElement> AllWritten
    {
        get
        {
            lock (_allWritten)
            {
                return [.. _allWritten];
            }
        }
    }

    /// <summary>The CLI writes a line.</summary>
    public void Emit(string json) => _output.Writer.TryWrite(Encoding.UTF8.GetBytes(json));

    /// <summary>The CLI exits with this code (stdout ends).</summary>
    public void Exit(int code)
    {
        _output.Writer.TryComplete();
        _exited.TrySetResult(code);
    }

    /// <summary>The next frame the session wrote that matches, skipping others.</summary>
    public async Task<JsonElement> NextWrittenAsync(Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await _written.Reader.ReadAsync(cancellationToken);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>How many lines the session has read so far.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Completes once the session has read <paramref name="count"/> lines.</summary>
    public Task ReadsReached(int count)
    {
        lock (_readWaiters)
        {
            if (_reads >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _readWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    public async ValueTask<ReadOnlySequence<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            var line = await _output.Reader.ReadAsync(cancellationToken);
            lock (_readWaiters)
            {
                _reads++;
                foreach (var waiter in _readWaiters.Where(w => w.Count <= _reads).ToArray())
                {
                    waiter.Reached.TrySetResult();
                    _readWaiters.Remove(waiter);
                }
            }

            return new ReadOnlySequence<byte>(line);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public Task WriteLineAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        if (_exited.Task.IsCompleted)
        {
            throw new ClaudeProcessException("stdin closed", _exited.Task.Result, []);
        }

        if (StallWrites)
        {
            return _exited.Task.ContinueWith(
                static exited => throw new ClaudeProcessException("stdin closed", exited.Result, []),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        using var document = JsonDocument.Parse(utf8Json);
        var frame = document.RootElement.Clone();
        lock (_allWritten)
        {
            _allWritten.Add(frame);
        }

        _written.Writer.TryWrite(frame);
        return Task.CompletedTask;
    }

    public ValueTask CloseInputAsync()
    {
        Exit(0);
        return ValueTask.CompletedTask;
    }

    public Task TerminateAsync()
    {
        TerminateCount++;
        Exit(143);
        _terminated.TrySetResult();
        return Task.CompletedTask;
    }

    public IReadOnlyList<string> StderrTail() => Stderr;

    public ValueTask DisposeAsync()
    {
        if (!_exited.Task.IsCompleted)
        {
            TerminateCount++;
            Exit(143);
        }

        return ValueTask.CompletedTask;
    }
}
