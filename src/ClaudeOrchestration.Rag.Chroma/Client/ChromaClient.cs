using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>
/// A typed client for Chroma's v2 HTTP API (Chroma 1.0 and later), for use with <see cref="HttpClient"/> instances from
/// <c>IHttpClientFactory</c>. Every call goes through a retry-with-backoff and per-attempt timeout pipeline; failures
/// surface as <see cref="ChromaException"/> naming the server and the operation.
/// </summary>
/// <remarks>Thread-safe. The <see cref="ChromaVectorStoreOptions.ApiToken"/> is sent as a header and never logged.</remarks>
public sealed partial class ChromaClient
{
    private const string SystemName = "Chroma";
    private static readonly JsonTypeInfo<JsonElement> AnyJson = ChromaJsonContext.Default.JsonElement;

    private readonly HttpClient _http;
    private readonly ChromaVectorStoreOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly string _databasePath;
    private int _maxBatchSize;

    /// <summary>Creates a client sending requests through <paramref name="httpClient"/> to <see cref="ChromaVectorStoreOptions.Endpoint"/>.</summary>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c> or your own); it is not disposed by this client.</param>
    /// <param name="options">Server address, tenant, database, token, retries and timeouts; <see langword="null"/> for the defaults.</param>
    public ChromaClient(HttpClient httpClient, ChromaVectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _options = options ?? new ChromaVectorStoreOptions();
        _options.Validate();
        Endpoint = _options.Endpoint;
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ChromaClient>();
        _pipeline = ConnectorResilience.Create(SystemName, _options.MaxRetryAttempts, _options.RetryDelay, _options.Timeout, IsTransient, _logger);
        _databasePath = $"api/v2/tenants/{Uri.EscapeDataString(_options.Tenant)}/databases/{Uri.EscapeDataString(_options.Database)}";
    }

    /// <summary>Gets the server's base address.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the tenant this client works in.</summary>
    public string Tenant => _options.Tenant;

    /// <summary>Gets the database this client works in.</summary>
    public string Database => _options.Database;

    /// <summary>Calls <c>GET /api/v2/heartbeat</c>: the server's clock in nanoseconds.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The server's nanosecond heartbeat.</returns>
    public async Task<long> HeartbeatAsync(CancellationToken cancellationToken = default)
        => (await SendAsync(HttpMethod.Get, "api/v2/heartbeat", null, ChromaJsonContext.Default.ChromaHeartbeat, "heartbeat", null, false, cancellationToken).ConfigureAwait(false))!.NanosecondHeartbeat;

    /// <summary>Calls <c>GET /api/v2/version</c>: the server's version, for example <c>1.0.0</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version string.</returns>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
        => (await SendAsync(HttpMethod.Get, "api/v2/version", null, ChromaJsonContext.Default.String, "version", null, false, cancellationToken).ConfigureAwait(false))!;

    /// <summary>Creates the tenant and the database when missing (a 409 "already exists" is success).</summary>
    internal async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        await SendAsync(HttpMethod.Post, "api/v2/tenants", Json(new ChromaNameRequest { Name = _options.Tenant }, ChromaJsonContext.Default.ChromaNameRequest), AnyJson, "create tenant", null, false, cancellationToken, conflictIsSuccess: true).ConfigureAwait(false);
        await SendAsync(HttpMethod.Post, $"api/v2/tenants/{Uri.EscapeDataString(_options.Tenant)}/databases", Json(new ChromaNameRequest { Name = _options.Database }, ChromaJsonContext.Default.ChromaNameRequest), AnyJson, "create database", null, false, cancellationToken, conflictIsSuccess: true).ConfigureAwait(false);
    }

    /// <summary>The largest number of records the server takes in one request (<c>pre-flight-checks</c>), cached.</summary>
    internal async ValueTask<int> GetMaxBatchSizeAsync(CancellationToken cancellationToken)
    {
        if (_maxBatchSize > 0)
        {
            return _maxBatchSize;
        }

        var preFlight = await SendAsync(HttpMethod.Get, "api/v2/pre-flight-checks", null, ChromaJsonContext.Default.ChromaPreFlight, "pre-flight-checks", null, false, cancellationToken).ConfigureAwait(false);
        _maxBatchSize = preFlight is { MaxBatchSize: > 0 } ? preFlight.MaxBatchSize : 1000;
        return _maxBatchSize;
    }

    internal Task<ChromaCollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, $"{_databasePath}/collections/{Uri.EscapeDataString(name)}", null, ChromaJsonContext.Default.ChromaCollectionInfo, "get collection", name, true, cancellationToken);

    internal async Task<ChromaCollectionInfo> CreateCollectionAsync(ChromaCreateCollectionRequest request, CancellationToken cancellationToken)
        => (await SendAsync(HttpMethod.Post, $"{_databasePath}/collections", Json(request, ChromaJsonContext.Default.ChromaCreateCollectionRequest), ChromaJsonContext.Default.ChromaCollectionInfo, "create collection", request.Name, false, cancellationToken).ConfigureAwait(false))!;

    internal Task DeleteCollectionAsync(string name, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, $"{_databasePath}/collections/{Uri.EscapeDataString(name)}", null, AnyJson, "delete collection", name, true, cancellationToken);

    internal async Task<List<ChromaCollectionInfo>> ListCollectionsAsync(int limit, int offset, CancellationToken cancellationToken)
        => (await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"{_databasePath}/collections?limit={limit}&offset={offset}"), null, ChromaJsonContext.Default.ListChromaCollectionInfo, "list collections", null, false, cancellationToken).ConfigureAwait(false))!;

    internal Task AddAsync(string collectionId, string collectionName, ChromaRecordsRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"{_databasePath}/collections/{collectionId}/add", Json(request, ChromaJsonContext.Default.ChromaRecordsRequest), AnyJson, "add", collectionName, false, cancellationToken);

    internal async Task<ChromaGetResponse> GetAsync(string collectionId, string collectionName, ChromaGetRequest request, CancellationToken cancellationToken)
        => (await SendAsync(HttpMethod.Post, $"{_databasePath}/collections/{collectionId}/get", Json(request, ChromaJsonContext.Default.ChromaGetRequest), ChromaJsonContext.Default.ChromaGetResponse, "get", collectionName, false, cancellationToken).ConfigureAwait(false))!;

    internal async Task<ChromaQueryResponse> QueryAsync(string collectionId, string collectionName, ChromaQueryRequest request, CancellationToken cancellationToken)
        => (await SendAsync(HttpMethod.Post, $"{_databasePath}/collections/{collectionId}/query", Json(request, ChromaJsonContext.Default.ChromaQueryRequest), ChromaJsonContext.Default.ChromaQueryResponse, "query", collectionName, false, cancellationToken).ConfigureAwait(false))!;

    internal Task DeleteRecordsAsync(string collectionId, string collectionName, ChromaDeleteRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"{_databasePath}/collections/{collectionId}/delete", Json(request, ChromaJsonContext.Default.ChromaDeleteRequest), AnyJson, "delete", collectionName, false, cancellationToken);

    internal async Task<int> CountAsync(string collectionId, string collectionName, CancellationToken cancellationToken)
        => await SendAsync(HttpMethod.Get, $"{_databasePath}/collections/{collectionId}/count", null, ChromaJsonContext.Default.Int32, "count", collectionName, false, cancellationToken).ConfigureAwait(false);

    private static Func<HttpContent> Json<T>(T body, JsonTypeInfo<T> typeInfo) => () => JsonContent.Create(body, typeInfo);

    private static bool IsTransient(Exception exception) => exception switch
    {
        HttpRequestException or IOException => true,
        ChromaException { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        // Chroma 1.x answers a read that races the collection's first HNSW flush with this 500 (chroma-core/chroma#4212);
        // the same read a moment later succeeds. Only this message: other 500s are real failures.
        ChromaException { StatusCode: HttpStatusCode.InternalServerError } e when e.Message.Contains("hnsw segment reader", StringComparison.OrdinalIgnoreCase) => true,
        _ => false,
    };

    private async Task<TResponse?> SendAsync<TResponse>(
        HttpMethod method,
        string path,
        Func<HttpContent>? content,
        JsonTypeInfo<TResponse> responseType,
        string operation,
        string? collection,
        bool notFoundIsDefault,
        CancellationToken cancellationToken,
        bool conflictIsSuccess = false)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(method, new Uri(Endpoint, path));
                    request.Content = content?.Invoke();
                    if (_options.ApiToken is { Length: > 0 } apiToken)
                    {
                        request.Headers.TryAddWithoutValidation("x-chroma-token", apiToken);
                    }

                    LogRequest(_logger, method.Method, path);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return await response.Content.ReadFromJsonAsync(responseType, token).ConfigureAwait(false);
                    }

                    if ((notFoundIsDefault && response.StatusCode == HttpStatusCode.NotFound) || (conflictIsSuccess && response.StatusCode == HttpStatusCode.Conflict))
                    {
                        return default;
                    }

                    var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                    throw ErrorFromResponse(response.StatusCode, text, operation, collection);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ChromaException)
        {
            throw;
        }
        catch (TimeoutRejectedException ex)
        {
            throw Failure($"timed out after {_options.Timeout.TotalSeconds:0.###} s (per attempt, {_options.MaxRetryAttempts + 1} attempts)", operation, collection, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Failure($"could not be reached ({ex.Message})", operation, collection, ex);
        }
        catch (JsonException ex)
        {
            throw Failure($"sent a response that is not the expected JSON ({ex.Message})", operation, collection, ex);
        }
    }

    private ChromaException ErrorFromResponse(HttpStatusCode status, string body, string operation, string? collection)
    {
        string? kind = null;
        var message = body;
        try
        {
            if (JsonSerializer.Deserialize(body, ChromaJsonContext.Default.ChromaErrorBody) is { } error)
            {
                kind = error.Error;
                message = error.Message ?? body;
            }
        }
        catch (JsonException)
        {
            // Not Chroma's error shape (a proxy's HTML page, say): keep the raw text, truncated below.
        }

        if (message.Length > 500)
        {
            message = string.Concat(message.AsSpan(0, 500), "…");
        }

        return new ChromaException(
            $"The Chroma server at {Endpoint} failed '{operation}'{On(collection)}: {(int)status} {kind ?? status.ToString()}: {message}")
        {
            StatusCode = status,
            ErrorKind = kind,
            Endpoint = Endpoint,
            VectorStoreSystemName = ChromaVectorStore.SystemName,
            VectorStoreName = _options.Database,
            CollectionName = collection,
            OperationName = operation,
        };
    }

    private ChromaException Failure(string what, string operation, string? collection, Exception inner)
        => new($"The Chroma server at {Endpoint} {what} during '{operation}'{On(collection)}. Check that it is running and reachable.", inner)
        {
            Endpoint = Endpoint,
            VectorStoreSystemName = ChromaVectorStore.SystemName,
            VectorStoreName = _options.Database,
            CollectionName = collection,
            OperationName = operation,
        };

    private string On(string? collection)
        => collection is null ? $" in {_options.Tenant}/{_options.Database}" : $" on collection '{collection}' in {_options.Tenant}/{_options.Database}";

    [LoggerMessage(EventId = 10, Level = LogLevel.Trace, Message = "Chroma {Method} {Path}")]
    private static partial void LogRequest(ILogger logger, string method, string path);
}
