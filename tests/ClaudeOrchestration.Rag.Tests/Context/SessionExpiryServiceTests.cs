using System.Threading.Channels;
using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Rag.Tests.Context;

public sealed class SessionExpiryServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ExecuteAsync_IntervalElapses_ExpiresIdleSessionsOnTheTimeProviderClock()
    {
        var time = new FakeTimeProvider(T0);
        var options = new ContextManagerOptions { IdleTimeout = TimeSpan.FromHours(1), ExpiryScanInterval = TimeSpan.FromMinutes(1) };
        var manager = new ContextManager(new InMemorySessionStore(), new HashingEmbeddingGenerator(), options: options, timeProvider: time);
        await manager.CreateSessionAsync("idle", cancellationToken: Ct);
        time.Advance(TimeSpan.FromHours(2));
        await manager.CreateSessionAsync("active", cancellationToken: Ct);
        using var service = new SessionExpiryService(manager, options, time);
        var sweeps = Channel.CreateUnbounded<int>();
        service.SweepCompleted += count => sweeps.Writer.TryWrite(count);
        await service.StartAsync(Ct);

        time.Advance(TimeSpan.FromMinutes(1));
        var expired = await sweeps.Reader.ReadAsync(Ct);
        await service.StopAsync(Ct);

        Assert.Equal(1, expired);
        Assert.Equal(["active"], await manager.ListSessionIdsAsync(Ct));
    }

    [Fact]
    public async Task ExecuteAsync_SweepFails_LogsAndSweepsAgainAtTheNextInterval()
    {
        var time = new FakeTimeProvider(T0);
        var options = new ContextManagerOptions { ExpiryScanInterval = TimeSpan.FromMinutes(5) };
        var manager = new FlakyExpiryManager();
        var log = new ListLogger<SessionExpiryService>();
        using var service = new SessionExpiryService(manager, options, time, log);
        var sweeps = Channel.CreateUnbounded<int>();
        service.SweepCompleted += count => sweeps.Writer.TryWrite(count);
        await service.StartAsync(Ct);

        time.Advance(TimeSpan.FromMinutes(5));
        var first = await sweeps.Reader.ReadAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        var second = await sweeps.Reader.ReadAsync(Ct);
        await service.StopAsync(Ct);

        Assert.Equal((-1, 3), (first, second));
        Assert.Contains(log.Entries, e => e.EventId.Id == 4012 && e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Fails its first expiry sweep, then reports three expired sessions; nothing else is used.</summary>
    private sealed class FlakyExpiryManager : IContextManager
    {
        private int _sweeps;

        public Task<int> ExpireIdleSessionsAsync(CancellationToken cancellationToken = default) =>
            ++_sweeps == 1 ? Task.FromException<int>(new IOException("database locked")) : Task.FromResult(3);

        public Task<ContextSession> CreateSessionAsync(string? sessionId = null, Action<ContextSession>? initialize = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ContextSession?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ContextSession> UpdateSessionAsync(string sessionId, Func<ContextSession, CancellationToken, ValueTask> update, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ContextSession> UpdateSessionAsync(string sessionId, Action<ContextSession> update, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ContextSession> AddTurnAsync(string sessionId, ChatRole role, string content, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ContextSession> RememberAsync(string sessionId, string fact, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SessionStatistics?> GetStatisticsAsync(string sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RelevantContext> GetRelevantContextAsync(string sessionId, string query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RelevantContext> GetRelevantContextAsync(string sessionId, string query, ContextRequestOptions? options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
