#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq.Expressions;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Connectors;
using ClaudeOrchestration.Rag.VectorStores;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>
/// A collection of records in a Chroma collection: the key is the Chroma id, the (single) vector is the embedding and the
/// data properties are metadata (see <see cref="ChromaVectorStore"/> and the README for the mapping).
/// </summary>
/// <typeparam name="TKey">The key type: <see cref="string"/>, <see cref="Guid"/>, <see cref="int"/> or <see cref="long"/>
/// (<see cref="object"/> for dynamic collections).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
/// <remarks>
/// Thread-safe. An upsert replaces each record exactly by deleting and re-adding it (Chroma's own upsert merges metadata),
/// so for a moment a replaced record is absent; Chroma has no transactions. <c>GetAsync</c> with <c>OrderBy</c> sorts in
/// this process after reading every matching record, because Chroma does not sort. Vectors read back from a cosine
/// collection are Chroma's copy, equal to the written ones within float32 rounding (Chroma normalises them).
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "MEVD's naming: a VectorStoreCollection implementation is an XCollection.")]
public sealed class ChromaCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly ChromaVectorStore _store;
    private readonly CollectionModel _model;
    private readonly RecordMapper<TKey, TRecord> _mapper;
    private readonly VectorPropertyModel _vector;
    private readonly string _distanceFunction;
    private readonly VectorStoreCollectionMetadata _metadata;
    private volatile string? _collectionId;

    internal ChromaCollection(ChromaVectorStore store, string name, CollectionModel model)
    {
        _store = store;
        Name = name;
        _model = model;
        _mapper = new RecordMapper<TKey, TRecord>(model, name);
        _vector = model.VectorProperty;
        _distanceFunction = _vector.DistanceFunction ?? DistanceFunction.CosineSimilarity;
        _metadata = new VectorStoreCollectionMetadata
        {
            VectorStoreSystemName = ChromaVectorStore.SystemName,
            VectorStoreName = $"{store.Client.Tenant}/{store.Client.Database}",
            CollectionName = name,
        };
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>The collection's model, for tests of the filter translation.</summary>
    internal CollectionModel Model => _model;

    private ChromaClient Client => _store.Client;

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
        => _store.CollectionExistsAsync(Name, cancellationToken);

    /// <inheritdoc />
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        await _store.EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var info = await Client.CreateCollectionAsync(
            new ChromaCreateCollectionRequest
            {
                Name = Name,
                GetOrCreate = true,
                Configuration = new JsonObject { ["hnsw"] = new JsonObject { ["space"] = Space(_distanceFunction) } },
                Metadata = new JsonObject { ["mevd:distance_function"] = _distanceFunction, ["mevd:dimensions"] = _vector.Dimensions },
            },
            cancellationToken).ConfigureAwait(false);
        _collectionId = info.Id;
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        await _store.EnsureCollectionDeletedAsync(Name, cancellationToken).ConfigureAwait(false);
        _collectionId = null;
    }

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        await foreach (var record in GetAsync([key], options, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(
        IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var includeVectors = options?.IncludeVectors ?? false;
        _mapper.ThrowIfIncludeVectorsUnsupported(includeVectors);
        var ids = keys.Select(k => ToId(_mapper.BoxKey(k))).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            yield break;
        }

        var batch = await Client.GetMaxBatchSizeAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(batch))
        {
            var response = await RunAsync(
                id => Client.GetAsync(id, Name, new ChromaGetRequest { Ids = chunk, Include = Include(includeVectors, distances: false) }, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < response.Ids.Count; i++)
            {
                yield return Materialize(response.Ids[i], response.Metadatas?[i], includeVectors ? response.Embeddings?[i] : null, includeVectors);
            }
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(
        Expression<Func<TRecord, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new FilteredRecordRetrievalOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _mapper.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);
        var parsed = FilterParser.Parse(filter, _model);
        if (parsed is ConstantFilter { Value: false })
        {
            yield break;
        }

        var where = parsed is ConstantFilter ? null : ChromaWhereBuilder.Build(parsed);
        var orderBy = options.OrderBy?.Invoke(new FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition()).Values;
        if (orderBy is not { Count: > 0 })
        {
            var response = await RunAsync(
                id => Client.GetAsync(id, Name, new ChromaGetRequest { Where = where, Limit = top, Offset = options.Skip, Include = Include(options.IncludeVectors, distances: false) }, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < response.Ids.Count; i++)
            {
                yield return Materialize(response.Ids[i], response.Metadatas?[i], options.IncludeVectors ? response.Embeddings?[i] : null, options.IncludeVectors);
            }

            yield break;
        }

        // Chroma does not sort: read every match, sort here, then page.
        var all = new List<TRecord>();
        var batch = await Client.GetMaxBatchSizeAsync(cancellationToken).ConfigureAwait(false);
        for (var offset = 0; ; offset += batch)
        {
            var page = await RunAsync(
                id => Client.GetAsync(id, Name, new ChromaGetRequest { Where = where?.DeepClone().AsObject(), Limit = batch, Offset = offset, Include = Include(options.IncludeVectors, distances: false) }, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < page.Ids.Count; i++)
            {
                all.Add(Materialize(page.Ids[i], page.Metadatas?[i], options.IncludeVectors ? page.Embeddings?[i] : null, options.IncludeVectors));
            }

            if (page.Ids.Count < batch)
            {
                break;
            }
        }

        IOrderedEnumerable<TRecord>? sorted = null;
        foreach (var order in orderBy)
        {
            var property = _model.GetDataOrKeyProperty(order.PropertySelector);
            Func<TRecord, object?> selector = r => property.GetValueAsObject(r);
            sorted = sorted is null
                ? (order.Ascending ? all.OrderBy(selector, Comparer<object?>.Default) : all.OrderByDescending(selector, Comparer<object?>.Default))
                : (order.Ascending ? sorted.ThenBy(selector, Comparer<object?>.Default) : sorted.ThenByDescending(selector, Comparer<object?>.Default));
        }

        foreach (var record in sorted!.Skip(options.Skip).Take(top))
        {
            yield return record;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <inheritdoc />
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var ids = keys.Select(k => ToId(_mapper.BoxKey(k))).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var batch = await Client.GetMaxBatchSizeAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(batch))
        {
            await RunAsync(id => Client.DeleteRecordsAsync(id, Name, new ChromaDeleteRequest { Ids = chunk }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records.ToList();
        if (list.Count == 0)
        {
            return;
        }

        // Keys, vectors and metadata are all built (and checked) before anything is sent: a bad record fails the whole batch.
        var keys = list.Select(_mapper.KeyOf).ToList();
        var vectors = await _mapper.GetVectorsAsync(list, keys, cancellationToken).ConfigureAwait(false);
        var ids = keys.Select(ToId).ToList();
        var embeddings = vectors.Select(v => v[0].ToArray()).ToList();
        var metadatas = list.Select(r => (JsonObject?)ChromaMetadata.ToMetadata(_model, r)).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw new ArgumentException($"The batch for collection '{Name}' holds the same key more than once.", nameof(records));
        }

        var batch = await Client.GetMaxBatchSizeAsync(cancellationToken).ConfigureAwait(false);
        for (var start = 0; start < ids.Count; start += batch)
        {
            var count = Math.Min(batch, ids.Count - start);
            var chunkIds = ids.GetRange(start, count);
            var chunkEmbeddings = embeddings.GetRange(start, count);
            var request = new ChromaRecordsRequest
            {
                Ids = chunkIds,
                Embeddings = chunkEmbeddings,
                Metadatas = metadatas.GetRange(start, count),
            };

            // Chroma's upsert merges metadata into the old record; replacing exactly needs delete + add.
            await RunAsync(id => Client.DeleteRecordsAsync(id, Name, new ChromaDeleteRequest { Ids = chunkIds }, cancellationToken), cancellationToken).ConfigureAwait(false);
            await RunAsync(id => Client.AddAsync(id, Name, request, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _mapper.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);
        var property = _model.GetVectorPropertyOrSingle(options);
        var vector = await _mapper.GetSearchVectorAsync(searchValue, property, cancellationToken).ConfigureAwait(false);
        JsonObject? where = null;
        if (options.Filter is not null)
        {
            var parsed = FilterParser.Parse(options.Filter, _model);
            if (parsed is ConstantFilter { Value: false })
            {
                yield break;
            }

            where = parsed is ConstantFilter ? null : ChromaWhereBuilder.Build(parsed);
        }

        var request = new ChromaQueryRequest
        {
            QueryEmbeddings = [vector.ToArray()],
            NResults = top + options.Skip,
            Where = where,
            Include = Include(options.IncludeVectors, distances: true),
        };
        var response = await RunAsync(id => Client.QueryAsync(id, Name, request, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (response.Ids.Count == 0)
        {
            yield break;
        }

        var ids = response.Ids[0];
        var metadatas = response.Metadatas?[0];
        var distances = response.Distances?[0];
        var embeddings = response.Embeddings?[0];
        var higherIsBetter = _distanceFunction is DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity;
        for (var i = options.Skip; i < ids.Count; i++)
        {
            var distance = distances?[i] ?? throw new ChromaException($"The Chroma server at {Client.Endpoint} returned no distance for record '{ids[i]}' of collection '{Name}'.");
            var score = ToScore(_distanceFunction, distance);
            if (options.ScoreThreshold is double threshold && (higherIsBetter ? score < threshold : score > threshold))
            {
                continue;
            }

            yield return new VectorSearchResult<TRecord>(Materialize(ids[i], metadatas?[i], options.IncludeVectors ? embeddings?[i] : null, options.IncludeVectors), score);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType == typeof(ChromaClient) ? Client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Chroma's distance converted to the MEVD score of the property's distance function.</summary>
    internal static double ToScore(string distanceFunction, double distance) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity => 1 - distance,              // cosine space: 1 - cos
        DistanceFunction.CosineDistance => distance,
        DistanceFunction.DotProductSimilarity => 1 - distance,          // ip space: 1 - dot
        DistanceFunction.NegativeDotProductSimilarity => distance - 1,
        DistanceFunction.EuclideanDistance => Math.Sqrt(Math.Max(distance, 0)), // l2 space: squared Euclidean
        _ => distance,
    };

    /// <summary>The Chroma space that ranks like <paramref name="distanceFunction"/>.</summary>
    internal static string Space(string distanceFunction) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance => "cosine",
        DistanceFunction.DotProductSimilarity or DistanceFunction.NegativeDotProductSimilarity => "ip",
        _ => "l2",
    };

    private static List<string> Include(bool vectors, bool distances)
    {
        List<string> include = ["metadatas"];
        if (vectors)
        {
            include.Add("embeddings");
        }

        if (distances)
        {
            include.Add("distances");
        }

        return include;
    }

    private static string ToId(object key) => key switch
    {
        string s => s,
        Guid g => g.ToString("D"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString()!,
    };

    private object FromId(string id)
    {
        var type = _model.KeyProperty.Type;
        // Each branch boxed on its own: a nested `? int : long` would widen the int key to long.
        if (type == typeof(string))
        {
            return id;
        }

        if (type == typeof(Guid))
        {
            return Guid.Parse(id, CultureInfo.InvariantCulture);
        }

        return type == typeof(int) ? (object)int.Parse(id, CultureInfo.InvariantCulture) : long.Parse(id, CultureInfo.InvariantCulture);
    }

    private TRecord Materialize(string id, JsonObject? metadata, float[]? embedding, bool includeVectors)
        => _mapper.Materialize(
            FromId(id),
            p => ChromaMetadata.FromMetadata(metadata, p) ?? DefaultOf(p.Type),
            includeVectors ? _ => embedding : null);

    // A missing value of a non-nullable property (a record written by someone else): the type's default.
    private static object? DefaultOf(Type type) => type switch
    {
        _ when type == typeof(bool) => false,
        _ when type == typeof(int) => 0,
        _ when type == typeof(long) => 0L,
        _ when type == typeof(short) => (short)0,
        _ when type == typeof(byte) => (byte)0,
        _ when type == typeof(float) => 0f,
        _ when type == typeof(double) => 0d,
        _ when type == typeof(decimal) => 0m,
        _ when type == typeof(Guid) => Guid.Empty,
        _ => null,
    };

    /// <summary>
    /// Runs an operation with the collection's Chroma id, looked up by name once and cached; when the id has gone stale (the
    /// collection was deleted and created again through another object), it is looked up again and the operation retried once.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<string, Task<T>> operation, CancellationToken cancellationToken)
    {
        var cached = _collectionId;
        var id = cached ?? await ResolveIdAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation(id).ConfigureAwait(false);
        }
        catch (ChromaException ex) when (cached is not null && ex.StatusCode is HttpStatusCode.NotFound)
        {
            _collectionId = null;
            return await operation(await ResolveIdAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private Task<bool> RunAsync(Func<string, Task> operation, CancellationToken cancellationToken)
        => RunAsync(
            async id =>
            {
                await operation(id).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    private async Task<string> ResolveIdAsync(CancellationToken cancellationToken)
    {
        await _store.EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var info = await Client.GetCollectionAsync(Name, cancellationToken).ConfigureAwait(false)
            ?? throw new VectorStoreException(
                $"Collection '{Name}' does not exist in {Client.Tenant}/{Client.Database} on the Chroma server at {Client.Endpoint}; call EnsureCollectionExistsAsync first.")
            {
                VectorStoreSystemName = ChromaVectorStore.SystemName,
                VectorStoreName = $"{Client.Tenant}/{Client.Database}",
                CollectionName = Name,
            };
        _collectionId = info.Id;
        return info.Id;
    }
}
