using ClaudeOrchestration.Rag.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// A hosted service that deletes idle contexts every <see cref="ContextManagerOptions.ExpiryScanInterval"/>, timed by the
/// registered <see cref="TimeProvider"/>. A failed sweep is logged and retried at the next interval.
/// </summary>
internal sealed class AgentContextExpiryService : BackgroundService
{
    private readonly IContextManager _contextManager;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private PeriodicTimer? _timer;

    /// <summary>Creates the service.</summary>
    /// <param name="contextManager">Whose idle contexts to expire.</param>
    /// <param name="options">Supplies <see cref="ContextManagerOptions.ExpiryScanInterval"/>.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Logs sweeps that expired contexts and sweeps that failed.</param>
    public AgentContextExpiryService(
        IContextManager contextManager,
        ContextManagerOptions options,
        TimeProvider? timeProvider = null,
        ILogger<AgentContextExpiryService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(contextManager);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ExpiryScanInterval, TimeSpan.Zero, "options.ExpiryScanInterval");
        _contextManager = contextManager;
        _interval = options.ExpiryScanInterval;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Raised after each sweep with the number of contexts expired (-1 when the sweep failed). For tests.</summary>
    internal event Action<int>? SweepCompleted;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here, not in ExecuteAsync (which runs on another thread): the first interval starts when StartAsync returns.
        _timer = new PeriodicTimer(_interval, _timeProvider);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("StartAsync was not called.");
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            int expired;
            try
            {
                expired = await _contextManager.ExpireIdleContextsAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ExpirySweepFailed(_logger, ex);
                expired = -1;
            }

            SweepCompleted?.Invoke(expired);
        }
    }
}
