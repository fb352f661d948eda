using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports each timer it creates, so a test advances the clock only once the code under
/// test waits on it (an advance before the timer exists would be lost).
/// </summary>
internal sealed class TimerSignallingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer with this due time has been created.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken)
    {
        while (await _created.Reader.ReadAsync(cancellationToken) != dueTime)
        {
        }
    }
}
