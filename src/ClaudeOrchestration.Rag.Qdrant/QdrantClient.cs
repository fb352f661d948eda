using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>
/// A small client for Qdrant's REST API (the shapes of its published OpenAPI), for use with <see cref="HttpClient"/>s from
/// <c>IHttpClientFactory</c>. Requests and responses are <see cref="JsonNode"/>s (no reflection); every call goes through
/// a retry-with-backoff and per-attempt timeout pipeline and fails with <see cref="QdrantException"/>.
/// </summary>
/// <remarks>Thread-safe. The API key is sent as the <c>api-key</c> header and never logged.</remarks>
public sealed class QdrantClient
{
    private readonly HttpClient _http;
    private readonly QdrantVectorStoreOptions _options;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Creates a client sending requests through <paramref name="httpClient"/> to <see cref="QdrantVectorStoreOptions.Endpoint"/>.</summary>
    /// <param name="httpClient">The HTTP client; not disposed by this client.</param>
    /// <param name="options">Endpoint, API key, retries and timeouts; <see langword="null"/> for the defaults.</param>
    public QdrantClient(HttpClient httpClient, QdrantVectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _options = options ?? new QdrantVectorStoreOptions();
        ArgumentNullException.ThrowIfNull(_options.Endpoint, nameof(options));
        Endpoint = _options.Endpoint;
        var logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<QdrantClient>();
        _pipeline = ConnectorResilience.Create("Qdrant", _options.MaxRetryAttempts, _options.RetryDelay, _options.Timeout, IsTransient, logger);
    }

    /// <summary>Gets the server's base address.</summary>
    public Uri Endpoint { get; }

    /// <summary>Sends one request; returns the response's <c>result</c>, or <see langword="null"/> for a 404 when <paramref name="notFoundIsNull"/>.</summary>
    internal async Task<JsonNode?> SendAsync(
        HttpMethod method, string path, JsonNode? body, string operation, string? collection, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        var payload = body?.ToJsonString();
        try
        {
            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(method, new Uri(Endpoint, path));
                    if (payload is not null)
                    {
                        request.Content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                    }

                    if (_options.ApiKey is { Length: > 0 } key)
                    {
                        request.Headers.TryAddWithoutValidation("api-key", key);
                    }

                    using var response = await _http.SendAsync(request, token).ConfigureAwait(false);
                    var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return JsonNode.Parse(text)?["result"];
                    }

                    if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
                    {
                        return null;
                    }

                    throw Error(response.StatusCode, text, operation, collection);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (QdrantException)
        {
            throw;
        }
        catch (TimeoutRejectedException ex)
        {
            throw Failure($"timed out after {_options.Timeout.TotalSeconds:0.###} s per attempt", operation, collection, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Failure($"could not be reached ({ex.Message})", operation, collection, ex);
        }
        catch (JsonException ex)
        {
            throw Failure($"sent a response that is not JSON ({ex.Message})", operation, collection, ex);
        }
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        HttpRequestException or IOException => true,
        QdrantException { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        _ => false,
    };

    private QdrantException Error(HttpStatusCode status, string body, string operation, string? collection)
    {
        var message = body;
        try
        {
            // Qdrant's errors: {"status":{"error":"..."},"time":0.0}
            if (JsonNode.Parse(body)?["status"]?["error"]?.GetValue<string>() is { } error)
            {
                message = error;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not Qdrant's error shape: keep the raw text.
        }

        if (message.Length > 500)
        {
            message = string.Concat(message.AsSpan(0, 500), "…");
        }

        return new QdrantException($"The Qdrant server at {Endpoint} failed '{operation}'{On(collection)}: {(int)status} {status}: {message}")
        {
            StatusCode = status,
            Endpoint = Endpoint,
            VectorStoreSystemName = QdrantVectorStore.SystemName,
            CollectionName = collection,
            OperationName = operation,
        };
    }

    private QdrantException Failure(string what, string operation, string? collection, Exception inner)
        => new($"The Qdrant server at {Endpoint} {what} during '{operation}'{On(collection)}. Check that it is running and reachable.", inner)
        {
            Endpoint = Endpoint,
            VectorStoreSystemName = QdrantVectorStore.SystemName,
            CollectionName = collection,
            OperationName = operation,
        };

    private static string On(string? collection) => collection is null ? string.Empty : $" on collection '{collection}'";
}
