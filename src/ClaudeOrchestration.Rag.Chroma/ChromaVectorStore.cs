#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>
/// A <see cref="VectorStore"/> on a Chroma server (v2 HTTP API, Chroma 1.0 and later): one Chroma collection per MEVD
/// collection in the configured tenant and database.
/// </summary>
/// <remarks>Thread-safe. See the package README for how records, filters and scores map to Chroma.</remarks>
public sealed class ChromaVectorStore : VectorStore
{
    /// <summary>The <see cref="VectorStoreMetadata.VectorStoreSystemName"/> of this store.</summary>
    public const string SystemName = "chroma";

    private static readonly ConnectorModelRules Rules = new()
    {
        StoreName = "Chroma",
        KeyTypes = new HashSet<Type> { typeof(string), typeof(Guid), typeof(int), typeof(long) },
        IsDataTypeSupported = ChromaMetadata.IsSupportedDataType,
        SupportedDataTypes = ChromaMetadata.SupportedDataTypes,
        DistanceFunctions =
        [
            DistanceFunction.CosineSimilarity, DistanceFunction.CosineDistance, DistanceFunction.DotProductSimilarity,
            DistanceFunction.NegativeDotProductSimilarity, DistanceFunction.EuclideanDistance, DistanceFunction.EuclideanSquaredDistance,
        ],
        IndexKinds = [IndexKind.Hnsw],
        SupportsMultipleVectors = false,
        RequiresAtLeastOneVector = true,
    };

    private readonly ChromaVectorStoreOptions _options;
    private readonly HttpClient? _ownedHttpClient;
    private readonly VectorStoreMetadata _metadata;
    private readonly object _databaseGate = new();
    private Task? _databaseReady;

    /// <summary>Creates a store that talks to the server through <paramref name="client"/>.</summary>
    /// <param name="client">The typed Chroma client (for example from <c>IHttpClientFactory</c>).</param>
    /// <param name="options">Store options; they should be the ones <paramref name="client"/> was created with. <see langword="null"/> for the defaults.</param>
    public ChromaVectorStore(ChromaClient client, ChromaVectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        _options = options ?? new ChromaVectorStoreOptions { Endpoint = client.Endpoint, Tenant = client.Tenant, Database = client.Database };
        _options.Validate();
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = $"{client.Tenant}/{client.Database}" };
    }

    /// <summary>Creates a store with its own <see cref="HttpClient"/> for <see cref="ChromaVectorStoreOptions.Endpoint"/>.</summary>
    /// <param name="options">Store options; <see langword="null"/> for the defaults (<c>http://127.0.0.1:8000</c>).</param>
    public ChromaVectorStore(ChromaVectorStoreOptions? options = null)
    {
        _options = options ?? new ChromaVectorStoreOptions();
        _options.Validate();
        // Attempt timeouts come from the resilience pipeline; the HttpClient's own 100 s limit must not cut them short.
        _ownedHttpClient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        Client = new ChromaClient(_ownedHttpClient, _options);
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = $"{Client.Tenant}/{Client.Database}" };
    }

    /// <summary>Gets the client this store talks to the server through.</summary>
    public ChromaClient Client { get; }

    /// <inheritdoc />
    [RequiresDynamicCode("This API is not compatible with NativeAOT. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    [RequiresUnreferencedCode("This API is not compatible with trimming. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    public override ChromaCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ValidateName(name);
        var model = new ConnectorModelBuilder(Rules).BuildPoco<TKey, TRecord>(definition, _options.EmbeddingGenerator);
        return new ChromaCollection<TKey, TRecord>(this, name, model);
    }

    /// <inheritdoc />
    public override ChromaCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(definition);
        var model = new ConnectorModelBuilder(Rules).BuildDynamic(definition, definition.EmbeddingGenerator ?? _options.EmbeddingGenerator);
        return new ChromaCollection<object, Dictionary<string, object?>>(this, name, model);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
        const int PageSize = 100;
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await Client.ListCollectionsAsync(PageSize, offset, cancellationToken).ConfigureAwait(false);
            foreach (var collection in page)
            {
                yield return collection.Name;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public override async Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        await EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
        return await Client.GetCollectionAsync(name, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        await EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await Client.DeleteCollectionAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType == typeof(ChromaClient) ? Client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Creates the tenant and database once when <see cref="ChromaVectorStoreOptions.CreateDatabaseIfMissing"/> is set; a failure is retried on the next call.</summary>
    internal Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        if (!_options.CreateDatabaseIfMissing)
        {
            return Task.CompletedTask;
        }

        lock (_databaseGate)
        {
            if (_databaseReady is null || _databaseReady.IsFaulted || _databaseReady.IsCanceled)
            {
                _databaseReady = Client.EnsureDatabaseAsync(CancellationToken.None);
            }

            return _databaseReady.WaitAsync(cancellationToken);
        }
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

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var valid = name.Length is >= 3 and <= 512
            && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
        if (!valid)
        {
            throw new ArgumentException(
                $"'{name}' is not a valid Chroma collection name: use 3–512 characters from [a-zA-Z0-9._-], starting and ending with a letter or digit.", nameof(name));
        }
    }
}
