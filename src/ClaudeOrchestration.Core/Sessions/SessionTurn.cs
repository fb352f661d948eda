using System.Diagnostics;
using System.Threading.Channels;
using ClaudeOrchestration.Diagnostics;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Sessions;

/// <summary>
/// One turn of a <see cref="ClaudeSession"/>: its bounded message buffer, its end (result, withdrawal or failure), the
/// interrupt that cancelling it sends, and its span and duration metric.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "_stopBuffering has no timer and its registrations are disposed by WriteAsync; disposing it would race End/RequestCancel for nothing.")]
internal sealed class SessionTurn(ClaudeSession session, string uuid)
{
    private int _cancelRequested;
    private int _interruptsSent;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Activity? _activity = StartActivity(session);
    private readonly CancellationTokenSource _stopBuffering = new();
    private ResultMessage? _result;
    private Exception? _failure;

    public string Uuid { get; } = uuid;

    /// <summary>
    /// Bounded: a consumer that stops reading makes the reader wait, and so the CLI's stdout pipe, instead of growing memory
    /// without limit. Once the turn is cancelled, nobody reads the rest, so it is dropped instead (see <see cref="DeliverAsync"/>).
    /// </summary>
    public Channel<ClaudeMessage> Messages { get; } = Channel.CreateBounded<ClaudeMessage>(
        new BoundedChannelOptions(ClaudeSession.TurnBufferCapacity) { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Completes when the CLI has ended the turn (result, withdrawal) or the session failed.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    /// <summary>The turn's result once the CLI has sent it (read after <see cref="Ended"/>).</summary>
    public ResultMessage? Result => Volatile.Read(ref _result);

    /// <summary>Called on the reader only. Waits while the consumer has <see cref="ClaudeSession.TurnBufferCapacity"/> messages unread.</summary>
    public async ValueTask DeliverAsync(ClaudeMessage message)
    {
        if (!CancelRequested && !Messages.Writer.TryWrite(message))
        {
            try
            {
                await Messages.Writer.WriteAsync(message, _stopBuffering.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopBuffering.IsCancellationRequested)
            {
                // Cancelled while the buffer was full: the consumer will not read this message.
            }
            catch (ChannelClosedException)
            {
                // The turn failed (fault, disposal) while the buffer was full.
            }
        }

        switch (message)
        {
            case SystemInitMessage:
                if (CancelRequested && Volatile.Read(ref _interruptsSent) == 1)
                {
                    // An interrupt that reached the CLI before the turn began can be a no-op; repeat it now the turn runs.
                    Interlocked.Increment(ref _interruptsSent);
                    _ = session.SendInterruptQuietlyAsync();
                }

                break;
            case ResultMessage result:
                Volatile.Write(ref _result, result);
                End(null);
                break;
            case CommandLifecycleMessage { State: "cancelled" }:
                // The prompt was withdrawn before it ran (an interrupt with queued messages): no result will come.
                End(null);
                break;
        }
    }

    public void Fail(Exception failure) => End(failure);

    public void NoteWriteFailure(Exception ex) => _failure ??= ex;

    public void RequestCancel()
    {
        if (Interlocked.Exchange(ref _cancelRequested, 1) != 0 || Ended.Task.IsCompleted)
        {
            return;
        }

        // A reader waiting on a full buffer must get through to the result the interrupt produces.
        _stopBuffering.Cancel();

        Interlocked.Increment(ref _interruptsSent);
        _ = session.InterruptTurnAsync(this);
    }

    public void Finish()
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var tags = new TagList();
        if (_result is { } result)
        {
            tags.Add("claude.result.subtype", result.Subtype);
            _activity?.SetTag("claude.result.subtype", result.Subtype);
            _activity?.SetTag("claude.terminal_reason", result.TerminalReason);
            _activity?.SetTag("gen_ai.usage.input_tokens", result.Usage?.InputTokens);
            _activity?.SetTag("gen_ai.usage.output_tokens", result.Usage?.OutputTokens);
            if (result.IsError)
            {
                _activity?.SetStatus(ActivityStatusCode.Error, result.Subtype);
            }

            Log.TurnFinished(session.Logger, session.SessionId, result.Subtype, result.TerminalReason);
        }
        else if (_failure is { } failure)
        {
            tags.Add("error.type", failure.GetType().Name);
            _activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
        }
        else if (CancelRequested)
        {
            tags.Add("error.type", nameof(OperationCanceledException));
        }

        SessionTelemetry.TurnDuration.Record(elapsed.TotalSeconds, tags);
        _activity?.Dispose();
    }

    private void End(Exception? failure)
    {
        _stopBuffering.Cancel();
        if (failure is not null)
        {
            _failure ??= failure;
            Messages.Writer.TryComplete(failure);
        }
        else
        {
            Messages.Writer.TryComplete();
        }

        Ended.TrySetResult();
    }

    private static Activity? StartActivity(ClaudeSession session)
    {
        var activity = ClaudeTelemetry.Source.StartActivity("claude.session.turn", ActivityKind.Client);
        activity?.SetTag("gen_ai.system", "anthropic");
        activity?.SetTag("gen_ai.operation.name", "invoke_agent");
        activity?.SetTag("claude.session.id", session.SessionId);
        activity?.SetTag("process.pid", session.ProcessId);
        return activity;
    }
}
