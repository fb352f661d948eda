using System.Threading.Channels;
using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Rag.Tests.Context;

public sealed class AgentContextExpiryServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ExecuteAsync_IntervalElapses_ExpiresIdleContextsOnTheTimeProviderClock()
    {
        var time = new FakeTimeProvider(T0);
        var options = new ContextManagerOptions { IdleTimeout = TimeSpan.FromHours(1), ExpiryScanInterval = TimeSpan.FromMinutes(1) };
        var manager = new ContextManager(new InMemoryAgentContextStore(), new HashingEmbeddingGenerator(), options: options, timeProvider: time);
        await manager.CreateContextAsync("idle", cancellationToken: Ct);
        time.Advance(TimeSpan.FromHours(2));
        await manager.CreateContextAsync("active", cancellationToken: Ct);
        using var service = new AgentContextExpiryService(manager, options, time);
        var sweeps = Channel.CreateUnbounded<int>();
        service.SweepCompleted += count => sweeps.Writer.TryWrite(count);
        await service.StartAsync(Ct);

        time.Advance(TimeSpan.FromMinutes(1));
        var expired = await sweeps.Reader.ReadAsync(Ct);
        await service.StopAsync(Ct);

        Assert.Equal(1, expired);
        Assert.Equal(["active"], await manager.ListContextIdsAsync(Ct));
    }

    [Fact]
    public async Task ExecuteAsync_SweepFails_LogsAndSweepsAgainAtTheNextInterval()
    {
        var time = new FakeTimeProvider(T0);
        var options = new ContextManagerOptions { ExpiryScanInterval = TimeSpan.FromMinutes(5) };
        var manager = new FlakyExpiryManager();
        var log = new ListLogger<AgentContextExpiryService>();
        using var service = new AgentContextExpiryService(manager, options, time, log);
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

    /// <summary>Fails its first expiry sweep, then reports three expired contexts; nothing else is used.</summary>
    private sealed class FlakyExpiryManager : IContextManager
    {
        private int _sweeps;

        public Task<int> ExpireIdleContextsAsync(CancellationToken cancellationToken = default) =>
            ++_sweeps == 1 ? Task.FromException<int>(new IOException("database locked")) : Task.FromResult(3);

        public Task<AgentContext> CreateContextAsync(string? contextId = null, Action<AgentContext>? initialize = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentContext?> GetContextAsync(string contextId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentContext> UpdateContextAsync(string contextId, Func<AgentContext, CancellationToken, ValueTask> update, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentContext> UpdateContextAsync(string contextId, Action<AgentContext> update, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentContext> AddTurnAsync(string contextId, ChatRole role, string content, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentContext> RememberAsync(string contextId, string fact, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> DeleteContextAsync(string contextId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ListContextIdsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentContextStatistics?> GetStatisticsAsync(string contextId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RelevantContext> GetRelevantContextAsync(string contextId, string query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RelevantContext> GetRelevantContextAsync(string contextId, string query, ContextRequestOptions? options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
