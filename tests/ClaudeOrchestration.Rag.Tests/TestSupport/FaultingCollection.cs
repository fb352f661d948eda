using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.TestSupport;

/// <summary>
/// Forwards everything to a real collection, but fails the upsert that contains <see cref="FailOnKey"/> — as if the
/// process died at that write. Records of the same call written before it are not rolled back by this wrapper.
/// </summary>
internal sealed class FaultingCollection(VectorStoreCollection<string, KnowledgeChunkRecord> inner) : VectorStoreCollection<string, KnowledgeChunkRecord>
{
    public string? FailOnKey { get; set; }

    public override string Name => inner.Name;

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => inner.CollectionExistsAsync(cancellationToken);

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) => inner.EnsureCollectionExistsAsync(cancellationToken);

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) => inner.EnsureCollectionDeletedAsync(cancellationToken);

    public override Task<KnowledgeChunkRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.GetAsync(key, options, cancellationToken);

    public override IAsyncEnumerable<KnowledgeChunkRecord> GetAsync(IEnumerable<string> keys, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.GetAsync(keys, options, cancellationToken);

    public override IAsyncEnumerable<KnowledgeChunkRecord> GetAsync(
        Expression<Func<KnowledgeChunkRecord, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<KnowledgeChunkRecord>? options = null,
        CancellationToken cancellationToken = default) =>
        inner.GetAsync(filter, top, options, cancellationToken);

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public override Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);

    public override Task UpsertAsync(KnowledgeChunkRecord record, CancellationToken cancellationToken = default) =>
        record.Key == FailOnKey ? Task.FromException(new IOException("simulated crash")) : inner.UpsertAsync(record, cancellationToken);

    public override Task UpsertAsync(IEnumerable<KnowledgeChunkRecord> records, CancellationToken cancellationToken = default)
    {
        var list = records.ToList();
        return list.Exists(r => r.Key == FailOnKey) ? Task.FromException(new IOException("simulated crash")) : inner.UpsertAsync(list, cancellationToken);
    }

    public override IAsyncEnumerable<VectorSearchResult<KnowledgeChunkRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<KnowledgeChunkRecord>? options = null,
        CancellationToken cancellationToken = default) =>
        inner.SearchAsync(searchValue, top, options, cancellationToken);

    public override object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);
}
