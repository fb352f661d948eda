using ClaudeOrchestration.Transport;

namespace ClaudeOrchestration.Core.Tests.Transport;

public sealed class ProcessSlotsTests
{
    [Fact]
    public async Task AcquireAsync_OverCapacity_WaitsUntilReleased()
    {
        var slots = new ProcessSlots(2);
        var a = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);
        var b = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);

        var third = slots.AcquireAsync(0, TestContext.Current.CancellationToken).AsTask();
        Assert.False(third.IsCompleted);

        a.Dispose();
        var c = await third;
        Assert.Equal(2, slots.InUse);
        Assert.Equal(2, slots.PeakInUse);
        b.Dispose();
        c.Dispose();
        Assert.Equal(0, slots.InUse);
    }

    [Fact]
    public async Task AcquireAsync_Waiting_HigherPriorityFirstThenArrivalOrder()
    {
        var slots = new ProcessSlots(1);
        var held = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);
        var order = new List<string>();
        var low = Track(slots.AcquireAsync(0, TestContext.Current.CancellationToken), "low", order);
        var high = Track(slots.AcquireAsync(5, TestContext.Current.CancellationToken), "high", order);
        var low2 = Track(slots.AcquireAsync(0, TestContext.Current.CancellationToken), "low2", order);

        held.Dispose();
        await high;
        await low;
        await low2;

        Assert.Equal(["high", "low", "low2"], order);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndDoesNotLeakTheSlot()
    {
        var slots = new ProcessSlots(1);
        var held = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource();
        var waiting = slots.AcquireAsync(0, cts.Token).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();

        using var next = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);
        Assert.Equal(1, slots.InUse);
    }

    [Fact]
    public async Task SetCapacity_Raised_StartsWaitingTasksAtOnce()
    {
        var slots = new ProcessSlots(1);
        var held = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);
        var waiting = slots.AcquireAsync(0, TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);

        slots.SetCapacity(2);

        // Granted inside SetCapacity; the waiter's continuation runs asynchronously.
        Assert.Equal(2, slots.InUse);
        held.Dispose();
        (await waiting).Dispose();
    }

    [Fact]
    public async Task SetCapacity_Lowered_HoldsNewTasksUntilFewerThanTheNewLimitRun()
    {
        var slots = new ProcessSlots(2);
        var a = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);
        var b = await slots.AcquireAsync(0, TestContext.Current.CancellationToken);

        slots.SetCapacity(1);
        var waiting = slots.AcquireAsync(0, TestContext.Current.CancellationToken).AsTask();
        a.Dispose();
        Assert.Equal(1, slots.InUse);
        Assert.False(waiting.IsCompleted);
        b.Dispose();

        Assert.Equal(1, slots.InUse);
        (await waiting).Dispose();
    }

    private static async Task Track(ValueTask<IDisposable> acquire, string name, List<string> order)
    {
        var lease = await acquire;
        lock (order)
        {
            order.Add(name);
        }

        lease.Dispose();
    }
}
