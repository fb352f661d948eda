#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>
/// A <see cref="VectorStore"/> on a Qdrant server over its REST API: one Qdrant collection (one unnamed vector) per MEVD
/// collection. Built and tested against request/response pairs in the shapes of Qdrant's published OpenAPI; it has not been
/// run against a live Qdrant.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class QdrantVectorStore : VectorStore
{
    /// <summary>The <see cref="VectorStoreMetadata.VectorStoreSystemName"/> of this store.</summary>
    public const string SystemName = "qdrant";

    private static readonly ConnectorModelRules Rules = new()
    {
        StoreName = "Qdrant",
        KeyTypes = new HashSet<Type> { typeof(Guid), typeof(ulong) },
        IsDataTypeSupported = QdrantPayload.IsSupportedDataType,
        SupportedDataTypes = QdrantPayload.SupportedDataTypes,
        DistanceFunctions = [DistanceFunction.CosineSimilarity, DistanceFunction.DotProductSimilarity, DistanceFunction.EuclideanDistance, DistanceFunction.ManhattanDistance],
        IndexKinds = [IndexKind.Hnsw],
        SupportsMultipleVectors = false,
        RequiresAtLeastOneVector = true,
    };

    private readonly QdrantVectorStoreOptions _options;
    private readonly HttpClient? _ownedHttpClient;
    private readonly VectorStoreMetadata _metadata;

    /// <summary>Creates a store on <paramref name="client"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="options">Store options; <see langword="null"/> for the defaults.</param>
    public QdrantVectorStore(QdrantClient client, QdrantVectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        _options = options ?? new QdrantVectorStoreOptions { Endpoint = client.Endpoint };
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = client.Endpoint.ToString() };
    }

    /// <summary>Creates a store with its own <see cref="HttpClient"/> for <see cref="QdrantVectorStoreOptions.Endpoint"/>.</summary>
    /// <param name="options">Store options; <see langword="null"/> for the defaults (<c>http://127.0.0.1:6333</c>).</param>
    public QdrantVectorStore(QdrantVectorStoreOptions? options = null)
    {
        _options = options ?? new QdrantVectorStoreOptions();
        _ownedHttpClient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        Client = new QdrantClient(_ownedHttpClient, _options);
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = Client.Endpoint.ToString() };
    }

    /// <summary>Gets the client this store talks to the server through.</summary>
    public QdrantClient Client { get; }

    /// <inheritdoc />
    [RequiresDynamicCode("This API is not compatible with NativeAOT. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    [RequiresUnreferencedCode("This API is not compatible with trimming. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    public override QdrantCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new QdrantCollection<TKey, TRecord>(this, name, new ConnectorModelBuilder(Rules).BuildPoco<TKey, TRecord>(definition, _options.EmbeddingGenerator));
    }

    /// <inheritdoc />
    public override QdrantCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(definition);
        return new QdrantCollection<object, Dictionary<string, object?>>(this, name, new ConnectorModelBuilder(Rules).BuildDynamic(definition, definition.EmbeddingGenerator ?? _options.EmbeddingGenerator));
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var result = await Client.SendAsync(HttpMethod.Get, "collections", null, "list collections", null, cancellationToken).ConfigureAwait(false);
        foreach (var collection in result?["collections"]?.AsArray() ?? [])
        {
            if (collection?["name"]?.GetValue<string>() is { } name)
            {
                yield return name;
            }
        }
    }

    /// <inheritdoc />
    public override async Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var result = await Client.SendAsync(HttpMethod.Get, $"collections/{Uri.EscapeDataString(name)}/exists", null, "collection exists", name, cancellationToken).ConfigureAwait(false);
        return result?["exists"]?.GetValue<bool>() ?? false;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Client.SendAsync(HttpMethod.Delete, $"collections/{Uri.EscapeDataString(name)}", null, "delete collection", name, cancellationToken, notFoundIsNull: true);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType == typeof(QdrantClient) ? Client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedHttpClient?.Dispose();
        }

        base.Dispose(disposing);
    }

    internal static JsonObject VectorParams(int dimensions, string distanceFunction) => new()
    {
        ["vectors"] = new JsonObject
        {
            ["size"] = dimensions,
            ["distance"] = distanceFunction switch
            {
                DistanceFunction.DotProductSimilarity => "Dot",
                DistanceFunction.EuclideanDistance => "Euclid",
                DistanceFunction.ManhattanDistance => "Manhattan",
                _ => "Cosine",
            },
        },
    };
}
