using ClaudeOrchestration.Rag.Context;

namespace ClaudeOrchestration.Rag.Tests.TestSupport;

/// <summary>
/// Forwards to a real store; before the next <see cref="TryUpdateAsync"/> it saves a change of its own, as another
/// process would, so the caller's save meets a newer version.
/// </summary>
internal sealed class InterferingSessionStore(ISessionStore inner) : ISessionStore
{
    public Action<ContextSession>? BeforeNextUpdate { get; set; }

    public Task<ContextSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default) => inner.GetAsync(sessionId, cancellationToken);

    public Task<bool> TryCreateAsync(ContextSession session, CancellationToken cancellationToken = default) => inner.TryCreateAsync(session, cancellationToken);

    public async Task<bool> TryUpdateAsync(ContextSession session, long expectedVersion, CancellationToken cancellationToken = default)
    {
        if (BeforeNextUpdate is { } interfere)
        {
            BeforeNextUpdate = null;
            var other = (await inner.GetAsync(session.Id, cancellationToken))!;
            interfere(other);
            var version = other.Version;
            other.Version = version + 1;
            Assert.True(await inner.TryUpdateAsync(other, version, cancellationToken));
        }

        return await inner.TryUpdateAsync(session, expectedVersion, cancellationToken);
    }

    public Task<bool> TouchAsync(string sessionId, DateTimeOffset accessedAt, CancellationToken cancellationToken = default) => inner.TouchAsync(sessionId, accessedAt, cancellationToken);

    public Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default) => inner.DeleteAsync(sessionId, cancellationToken);

    public Task<IReadOnlyList<string>> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.DeleteIdleAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken = default) => inner.ListIdsAsync(cancellationToken);
}
