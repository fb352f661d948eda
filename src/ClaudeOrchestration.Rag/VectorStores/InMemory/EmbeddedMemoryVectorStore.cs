#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.VectorStores.InMemory;

/// <summary>
/// A <see cref="VectorStore"/> that keeps collections in process memory, with exact SIMD search
/// (<see cref="System.Numerics.Tensors.TensorPrimitives"/>) over contiguous vector arenas and a bounded top-k heap.
/// Nothing is persisted; use <see cref="Sqlite.EmbeddedSqliteVectorStore"/> for data that must survive a restart.
/// </summary>
/// <remarks>
/// Thread-safe. Collection objects obtained for the same name share one storage; reads and searches run concurrently,
/// writes are exclusive. Records are copied on write and on read, so mutating a record after upserting it (or a record
/// returned by a read) does not change the stored data.
/// </remarks>
public sealed class EmbeddedMemoryVectorStore : VectorStore
{
    /// <summary>The <see cref="VectorStoreMetadata.VectorStoreSystemName"/> of this store.</summary>
    public const string SystemName = "inmemory";

    private readonly ConcurrentDictionary<string, EmbeddedMemoryCollectionState> _collections = new(StringComparer.Ordinal);
    private readonly EmbeddedMemoryVectorStoreOptions _options;
    private readonly VectorStoreMetadata _metadata = new() { VectorStoreSystemName = SystemName };
    private bool _disposed;

    /// <summary>Creates an empty store.</summary>
    /// <param name="options">Store options; <see langword="null"/> for the defaults.</param>
    public EmbeddedMemoryVectorStore(EmbeddedMemoryVectorStoreOptions? options = null)
    {
        _options = options ?? new EmbeddedMemoryVectorStoreOptions();
        ArgumentNullException.ThrowIfNull(_options.Hnsw, nameof(options));
        _options.Hnsw.Validate();
    }

    /// <inheritdoc />
    [RequiresDynamicCode("This API is not compatible with NativeAOT. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    [RequiresUnreferencedCode("This API is not compatible with trimming. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    public override EmbeddedMemoryCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ValidateName(name);
        var model = EmbeddedModelBuilder.BuildPoco<TKey, TRecord>(EmbeddedModelBuilder.ForInMemory(), definition, _options.EmbeddingGenerator);
        return new EmbeddedMemoryCollection<TKey, TRecord>(this, name, model);
    }

    /// <inheritdoc />
    public override EmbeddedMemoryCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(definition);
        var model = EmbeddedModelBuilder.ForInMemory().BuildDynamic(definition, definition.EmbeddingGenerator ?? _options.EmbeddingGenerator);
        return new EmbeddedMemoryCollection<object, Dictionary<string, object?>>(this, name, model);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var name in _collections.Keys.Order(StringComparer.Ordinal).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.FromResult(_collections.ContainsKey(name));
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // The lock of a removed collection is not disposed: operations already holding the state finish against it.
        _ = _collections.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            foreach (var state in _collections.Values)
            {
                state.Dispose();
            }

            _collections.Clear();
        }

        base.Dispose(disposing);
    }

    internal bool TryGetState(string name, [NotNullWhen(true)] out EmbeddedMemoryCollectionState? state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _collections.TryGetValue(name, out state);
    }

    internal Hnsw.HnswIndexOptions Hnsw => _options.Hnsw;

    internal Hybrid.HybridFusionMethod HybridFusion => _options.HybridFusion;

    internal EmbeddedMemoryCollectionState GetOrCreateState(string name, string signature, IReadOnlyList<VectorColumnSpec> columns, IReadOnlyList<int> fullTextOrdinals)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_collections.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var created = new EmbeddedMemoryCollectionState(signature, new VectorSlotTable(columns, storesRows: true), fullTextOrdinals);
        var winner = _collections.GetOrAdd(name, created);
        if (!ReferenceEquals(winner, created))
        {
            created.Dispose();
        }

        return winner;
    }

    internal bool RemoveState(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _collections.TryRemove(name, out _);
    }

    private static void ValidateName(string name) => ArgumentException.ThrowIfNullOrWhiteSpace(name);
}
