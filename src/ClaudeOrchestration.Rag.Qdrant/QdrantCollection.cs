#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Connectors;
using ClaudeOrchestration.Rag.VectorStores;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>A collection of points in a Qdrant collection: the key is the point id (a <see cref="Guid"/> or <see cref="ulong"/>), data properties the payload.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
/// <remarks>Thread-safe. Writes wait for Qdrant to apply them (<c>wait=true</c>). Not yet run against a live Qdrant.</remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "MEVD's naming: a VectorStoreCollection implementation is an XCollection.")]
public sealed class QdrantCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly QdrantVectorStore _store;
    private readonly CollectionModel _model;
    private readonly RecordMapper<TKey, TRecord> _mapper;
    private readonly string _path;
    private readonly string _distanceFunction;
    private readonly VectorStoreCollectionMetadata _metadata;

    internal QdrantCollection(QdrantVectorStore store, string name, CollectionModel model)
    {
        _store = store;
        Name = name;
        _model = model;
        _mapper = new RecordMapper<TKey, TRecord>(model, name);
        _path = "collections/" + Uri.EscapeDataString(name);
        _distanceFunction = model.VectorProperty.DistanceFunction ?? DistanceFunction.CosineSimilarity;
        _metadata = new VectorStoreCollectionMetadata { VectorStoreSystemName = QdrantVectorStore.SystemName, VectorStoreName = store.Client.Endpoint.ToString(), CollectionName = name };
    }

    /// <inheritdoc />
    public override string Name { get; }

    private QdrantClient Client => _store.Client;

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => _store.CollectionExistsAsync(Name, cancellationToken);

    /// <inheritdoc />
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        if (!await CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            _ = await Client.SendAsync(HttpMethod.Put, _path, QdrantVectorStore.VectorParams(_model.VectorProperty.Dimensions, _distanceFunction), "create collection", Name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) => _store.EnsureCollectionDeletedAsync(Name, cancellationToken);

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
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var includeVectors = options?.IncludeVectors ?? false;
        _mapper.ThrowIfIncludeVectorsUnsupported(includeVectors);
        var ids = new JsonArray();
        foreach (var key in keys)
        {
            ids.Add((JsonNode)IdJson(_mapper.BoxKey(key)));
        }

        if (ids.Count == 0)
        {
            yield break;
        }

        var body = new JsonObject { ["ids"] = ids, ["with_payload"] = true, ["with_vector"] = includeVectors };
        var result = await Client.SendAsync(HttpMethod.Post, _path + "/points", body, "retrieve points", Name, cancellationToken).ConfigureAwait(false);
        foreach (var point in result?.AsArray() ?? [])
        {
            yield return Materialize(point!, includeVectors);
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(
        Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new FilteredRecordRetrievalOptions<TRecord>();
        _mapper.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);
        var parsed = FilterParser.Parse(filter, _model);
        if (parsed is ConstantFilter { Value: false })
        {
            yield break;
        }

        var body = new JsonObject { ["limit"] = top + options.Skip, ["with_payload"] = true, ["with_vector"] = options.IncludeVectors };
        if (parsed is not ConstantFilter)
        {
            body["filter"] = QdrantFilterBuilder.Build(parsed);
        }

        if (options.OrderBy?.Invoke(new FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition()).Values is { Count: > 0 } orderBy)
        {
            if (orderBy.Count > 1)
            {
                throw new NotSupportedException("Qdrant orders a scroll by one payload field; give a single OrderBy.");
            }

            var property = _model.GetDataOrKeyProperty(orderBy[0].PropertySelector);
            body["order_by"] = new JsonObject { ["key"] = property.StorageName, ["direction"] = orderBy[0].Ascending ? "asc" : "desc" };
        }

        var result = await Client.SendAsync(HttpMethod.Post, _path + "/points/scroll", body, "scroll points", Name, cancellationToken).ConfigureAwait(false);
        foreach (var point in (result?["points"]?.AsArray() ?? []).Skip(options.Skip))
        {
            yield return Materialize(point!, options.IncludeVectors);
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <inheritdoc />
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var ids = new JsonArray();
        foreach (var key in keys)
        {
            ids.Add((JsonNode)IdJson(_mapper.BoxKey(key)));
        }

        if (ids.Count > 0)
        {
            _ = await Client.SendAsync(HttpMethod.Post, _path + "/points/delete?wait=true", new JsonObject { ["points"] = ids }, "delete points", Name, cancellationToken).ConfigureAwait(false);
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

        var keys = list.Select(_mapper.KeyOf).ToList();
        var vectors = await _mapper.GetVectorsAsync(list, keys, cancellationToken).ConfigureAwait(false);
        var points = new JsonArray();
        for (var i = 0; i < list.Count; i++)
        {
            var vector = new JsonArray();
            foreach (var x in vectors[i][0].Span)
            {
                vector.Add((JsonNode)JsonValue.Create(x));
            }

            points.Add((JsonNode)new JsonObject { ["id"] = (JsonNode)IdJson(keys[i]), ["vector"] = vector, ["payload"] = QdrantPayload.ToPayload(_model, list[i]) });
        }

        // A point with an existing id is overwritten (payload included), so upsert replaces exactly.
        _ = await Client.SendAsync(HttpMethod.Put, _path + "/points?wait=true", new JsonObject { ["points"] = points }, "upsert points", Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new VectorSearchOptions<TRecord>();
        _mapper.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);
        var property = _model.GetVectorPropertyOrSingle(options);
        var vector = await _mapper.GetSearchVectorAsync(searchValue, property, cancellationToken).ConfigureAwait(false);
        var query = new JsonArray();
        foreach (var x in vector.Span)
        {
            query.Add((JsonNode)JsonValue.Create(x));
        }

        var body = new JsonObject { ["query"] = query, ["limit"] = top, ["offset"] = options.Skip, ["with_payload"] = true, ["with_vector"] = options.IncludeVectors };
        if (options.Filter is not null)
        {
            var parsed = FilterParser.Parse(options.Filter, _model);
            if (parsed is ConstantFilter { Value: false })
            {
                yield break;
            }

            if (parsed is not ConstantFilter)
            {
                body["filter"] = QdrantFilterBuilder.Build(parsed);
            }
        }

        if (options.ScoreThreshold is double threshold)
        {
            body["score_threshold"] = threshold; // Qdrant's own "better than" in the collection's metric
        }

        var result = await Client.SendAsync(HttpMethod.Post, _path + "/points/query", body, "query points", Name, cancellationToken).ConfigureAwait(false);
        foreach (var point in result?["points"]?.AsArray() ?? [])
        {
            yield return new VectorSearchResult<TRecord>(Materialize(point!, options.IncludeVectors), point!["score"]?.GetValue<double>());
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType == typeof(QdrantClient) ? Client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    private static JsonValue IdJson(object key) => key switch
    {
        Guid g => JsonValue.Create(g.ToString("D")),
        ulong u => JsonValue.Create(u),
        _ => throw new ArgumentException($"Qdrant point ids are Guids or unsigned integers, not '{key.GetType().Name}'."),
    };

    private TRecord Materialize(JsonNode point, bool includeVectors)
    {
        var idNode = point["id"] ?? throw new QdrantException($"The Qdrant server at {Client.Endpoint} returned a point without an id from collection '{Name}'.");
        object key = _model.KeyProperty.Type == typeof(Guid)
            ? Guid.Parse(idNode.GetValue<string>(), CultureInfo.InvariantCulture)
            : idNode.GetValue<ulong>();
        var payload = point["payload"] as JsonObject;
        float[]? vector = includeVectors && point["vector"] is JsonArray array ? [.. array.Select(n => n!.GetValue<float>())] : null;
        return _mapper.Materialize(key, p => QdrantPayload.FromPayload(payload, p), includeVectors ? _ => vector : null);
    }
}
