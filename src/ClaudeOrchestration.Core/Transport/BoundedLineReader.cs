using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace ClaudeOrchestration.Transport;

/// <summary>
/// Reads '\n'-terminated lines from a stream without ever buffering more than a fixed number of bytes.
/// A line is valid until the next call. A line longer than the cap either fails (<see cref="LineTooLongException"/>)
/// or, in truncating mode, is cut to the cap and the rest of it discarded.
/// </summary>
internal sealed class BoundedLineReader : IAsyncDisposable
{
    private readonly PipeReader _reader;
    private readonly int _maxLineBytes;
    private readonly bool _truncate;
    private readonly object _gate = new();
    private SequencePosition? _consumeTo;
    private volatile bool _abandoned;
    private bool _completed;
    private TimeSpan? _idleLimit;
    private long _readSequence;
    private bool _reading;
    private long _idleCancelledRead = -1;
    private long _scanned;
    private bool _skippingRest;
    private byte[]? _truncated;

    public BoundedLineReader(Stream stream, int maxLineBytes, bool truncateLongLines = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _maxLineBytes = maxLineBytes;
        _truncate = truncateLongLines;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
    }

    /// <summary>Bytes received so far, for diagnostics and throughput figures.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Returns the next line without its terminator (and without a trailing '\r'), or <see langword="null"/> at the end of the stream.
    /// </summary>
    public async ValueTask<ReadOnlySequence<byte>?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        if (_consumeTo is { } consumed)
        {
            _reader.AdvanceTo(consumed);
            _consumeTo = null;
        }

        while (true)
        {
            ReadResult result;
            if (_abandoned)
            {
                // No waiting any more: only what is already buffered is left.
                if (!_reader.TryRead(out result))
                {
                    return null;
                }
            }
            else
            {
                var pending = _reader.ReadAsync(cancellationToken);
                long sequence = -1;
                if (!pending.IsCompleted)
                {
                    // Waiting on the pipe (nothing buffered): after EndWhenIdle this wait is bounded.
                    lock (_gate)
                    {
                        sequence = ++_readSequence;
                        _reading = true;
                        if (_idleLimit is { } limit)
                        {
                            ScheduleIdleEnd(sequence, limit);
                        }
                    }
                }

                try
                {
                    result = await pending.ConfigureAwait(false);
                }
                finally
                {
                    if (sequence >= 0)
                    {
                        lock (_gate)
                        {
                            _reading = false;
                        }
                    }
                }

                if (result.IsCanceled && sequence >= 0 && Interlocked.Read(ref _idleCancelledRead) == sequence)
                {
                    // Idle past the limit with the writer gone: end the stream here.
                    EndedIdle = true;
                    _abandoned = true;
                }
            }

            var buffer = result.Buffer;
            if (result.IsCanceled && !_abandoned)
            {
                // A cancellation meant for a read that completed just before it (or not ours): read again.
                _reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            // Abandoned: what is buffered is still handed out, then the stream ends as if the writer had closed it.
            var completed = result.IsCompleted || _abandoned;
            var unscanned = buffer.Slice(_scanned);
            var newline = unscanned.PositionOf((byte)'\n');

            if (newline is { } end)
            {
                var line = buffer.Slice(0, end);
                var next = buffer.GetPosition(1, end);
                BytesRead += line.Length + 1;
                _scanned = 0;
                if (_skippingRest)
                {
                    // The tail of a truncated line: drop it and hand out the kept head.
                    _skippingRest = false;
                    _reader.AdvanceTo(next);
                    return new ReadOnlySequence<byte>(_truncated!);
                }

                if (line.Length > _maxLineBytes)
                {
                    return HandleTooLong(buffer, line, next);
                }

                _consumeTo = next;
                return TrimCarriageReturn(line);
            }

            if (_skippingRest)
            {
                BytesRead += buffer.Length;
                _reader.AdvanceTo(buffer.End);
                _scanned = 0;
                if (completed)
                {
                    _skippingRest = false;
                    return new ReadOnlySequence<byte>(_truncated!);
                }

                continue;
            }

            if (buffer.Length > _maxLineBytes)
            {
                if (!_truncate)
                {
                    throw new LineTooLongException(_maxLineBytes, buffer.Length, Preview(buffer));
                }

                _truncated = buffer.Slice(0, _maxLineBytes).ToArray();
                _skippingRest = true;
                BytesRead += buffer.Length;
                _reader.AdvanceTo(buffer.End);
                _scanned = 0;
                continue;
            }

            if (completed)
            {
                if (buffer.IsEmpty)
                {
                    return null;
                }

                // A last line with no terminator.
                BytesRead += buffer.Length;
                _consumeTo = buffer.End;
                _scanned = 0;
                return TrimCarriageReturn(buffer);
            }

            _scanned = buffer.Length;
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private ReadOnlySequence<byte> HandleTooLong(ReadOnlySequence<byte> buffer, ReadOnlySequence<byte> line, SequencePosition next)
    {
        if (!_truncate)
        {
            throw new LineTooLongException(_maxLineBytes, line.Length, Preview(buffer));
        }

        var head = line.Slice(0, _maxLineBytes).ToArray();
        _reader.AdvanceTo(next);
        return new ReadOnlySequence<byte>(head);
    }

    private static ReadOnlySequence<byte> TrimCarriageReturn(ReadOnlySequence<byte> line)
    {
        if (line.Length > 0)
        {
            var lastPos = line.GetPosition(line.Length - 1);
            if (line.Slice(lastPos).FirstSpan[0] == (byte)'\r')
            {
                return line.Slice(0, line.Length - 1);
            }
        }

        return line;
    }

    private static string Preview(ReadOnlySequence<byte> buffer) =>
        Encoding.UTF8.GetString(buffer.Slice(0, Math.Min(200, buffer.Length)));

    /// <summary>
    /// Ends the stream for the reader even though the writer has not closed it (a descendant that left the CLI's process
    /// group may hold the pipe open forever): a pending or later read hands out what is buffered, then returns end of stream.
    /// </summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandoned = true;
            if (!_completed)
            {
                _reader.CancelPendingRead();
            }
        }
    }

    /// <summary>Whether the stream was ended by <see cref="EndWhenIdle"/> rather than by the writer closing it.</summary>
    public bool EndedIdle { get; private set; }

    /// <summary>
    /// From now on, a read that waits on the pipe longer than <paramref name="limit"/> ends the stream (what is buffered is
    /// still handed out). Called once the writer is known to have exited: its data is already in the pipe and reads at once,
    /// so only a stray process that inherited the pipe keeps a read waiting. A slow consumer loses nothing.
    /// </summary>
    public void EndWhenIdle(TimeSpan limit)
    {
        lock (_gate)
        {
            _idleLimit = limit;
            if (_reading)
            {
                ScheduleIdleEnd(_readSequence, limit);
            }
        }
    }

    private void ScheduleIdleEnd(long sequence, TimeSpan limit) =>
        _ = Task.Delay(limit).ContinueWith(
            static (_, state) =>
            {
                var (reader, sequence) = ((BoundedLineReader, long))state!;
                reader.EndIdleRead(sequence);
            },
            (this, sequence),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void EndIdleRead(long sequence)
    {
        lock (_gate)
        {
            if (_reading && _readSequence == sequence && !_completed)
            {
                Interlocked.Exchange(ref _idleCancelledRead, sequence);
                _reader.CancelPendingRead();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _completed = true;
        }


        return _reader.CompleteAsync();
    }
}

/// <summary>A line exceeded the reader's cap.</summary>
internal sealed class LineTooLongException(int maxLineBytes, long observedBytes, string preview)
    : Exception($"A line from the CLI exceeded the limit of {maxLineBytes} bytes (at least {observedBytes} bytes seen without a line end).")
{
    public int MaxLineBytes { get; } = maxLineBytes;

    public long ObservedBytes { get; } = observedBytes;

    public string Preview { get; } = preview;
}
