using ClaudeOrchestration.Diagnostics;

namespace ClaudeOrchestration.Transport;

/// <summary>
/// Enforces <see cref="ClaudeOrchestrationOptions.MaxConcurrentProcesses"/>: a fixed number of slots and a priority
/// queue (higher priority first, then first come first served) of tasks waiting for one.
/// </summary>
internal sealed class ProcessSlots
{
    private readonly object _lock = new();
    private readonly PriorityQueue<TaskCompletionSource<IDisposable>, (int Priority, long Sequence)> _waiting = new();
    private long _sequence;
    private int _capacity;
    private int _inUse;
    private int _peak;

    public ProcessSlots(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Capacity => Volatile.Read(ref _capacity);

    /// <summary>The most slots ever held at once.</summary>
    public int PeakInUse => Volatile.Read(ref _peak);

    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>
    /// Changes the limit. Raising it starts waiting tasks at once; lowering it lets running tasks finish and holds new ones
    /// back until fewer than the new limit run.
    /// </summary>
    public void SetCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        lock (_lock)
        {
            if (capacity == _capacity)
            {
                return;
            }

            Volatile.Write(ref _capacity, capacity);
            GrantWaitersLocked();
        }
    }

    public ValueTask<IDisposable> AcquireAsync(int priority, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<IDisposable> waiter;
        lock (_lock)
        {
            if (_inUse < _capacity && _waiting.Count == 0)
            {
                return ValueTask.FromResult<IDisposable>(Grant());
            }

            waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            // Negated priority: PriorityQueue dequeues the smallest first.
            _waiting.Enqueue(waiter, (-priority, _sequence++));
        }

        ClaudeTelemetry.QueuedTasks.Add(1);
        return WaitAsync(waiter, cancellationToken);
    }

    private static async ValueTask<IDisposable> WaitAsync(TaskCompletionSource<IDisposable> waiter, CancellationToken cancellationToken)
    {
        try
        {
            using (cancellationToken.Register(static w => ((TaskCompletionSource<IDisposable>)w!).TrySetCanceled(), waiter))
            {
                return await waiter.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // A slot granted in the same instant as the cancellation must go back.
            if (waiter.Task.IsCompletedSuccessfully)
            {
                waiter.Task.Result.Dispose();
            }

            throw new OperationCanceledException("Cancelled while waiting for a free Claude process slot.", cancellationToken);
        }
        finally
        {
            ClaudeTelemetry.QueuedTasks.Add(-1);
        }
    }

    private Lease Grant()
    {
        var now = Interlocked.Increment(ref _inUse);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        return new Lease(this);
    }

    private void Release()
    {
        lock (_lock)
        {
            Interlocked.Decrement(ref _inUse);
            GrantWaitersLocked();
        }
    }

    private void GrantWaitersLocked()
    {
        while (_inUse < _capacity && _waiting.TryDequeue(out var next, out _))
        {
            var lease = Grant();
            if (!next.TrySetResult(lease))
            {
                // That waiter was cancelled: undo and try the next one.
                Interlocked.Decrement(ref _inUse);
            }
        }
    }

    private sealed class Lease(ProcessSlots owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
