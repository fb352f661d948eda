using ClaudeOrchestration.Rag.Context;

namespace ClaudeOrchestration.Rag.Tests.TestSupport;

/// <summary>
/// Forwards to a real store; before the next <see cref="TryUpdateAsync"/> it saves a change of its own, as another
/// process would, so the caller's save meets a newer version.
/// </summary>
internal sealed class InterferingAgentContextStore(IAgentContextStore inner) : IAgentContextStore
{
    public Action<AgentContext>? BeforeNextUpdate { get; set; }

    public Task<AgentContext?> GetAsync(string contextId, CancellationToken cancellationToken = default) => inner.GetAsync(contextId, cancellationToken);

    public Task<bool> TryCreateAsync(AgentContext context, CancellationToken cancellationToken = default) => inner.TryCreateAsync(context, cancellationToken);

    public async Task<bool> TryUpdateAsync(AgentContext context, long expectedVersion, CancellationToken cancellationToken = default)
    {
        if (BeforeNextUpdate is { } interfere)
        {
            BeforeNextUpdate = null;
            var other = (await inner.GetAsync(context.Id, cancellationToken))!;
            interfere(other);
            var version = other.Version;
            other.Version = version + 1;
            Assert.True(await inner.TryUpdateAsync(other, version, cancellationToken));
        }

        return await inner.TryUpdateAsync(context, expectedVersion, cancellationToken);
    }

    public Task<bool> TouchAsync(string contextId, DateTimeOffset accessedAt, CancellationToken cancellationToken = default) => inner.TouchAsync(contextId, accessedAt, cancellationToken);

    public Task<bool> DeleteAsync(string contextId, CancellationToken cancellationToken = default) => inner.DeleteAsync(contextId, cancellationToken);

    public Task<IReadOnlyList<string>> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.DeleteIdleAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken = default) => inner.ListIdsAsync(cancellationToken);
}
