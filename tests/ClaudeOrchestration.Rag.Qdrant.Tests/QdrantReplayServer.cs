using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Rag.Qdrant.Tests;

/// <summary>
/// A local HTTP server on 127.0.0.1 that replays scripted request/response pairs in the shapes of Qdrant's published
/// OpenAPI (no Qdrant server can run here). Each incoming request must match the next script entry (method, path and
/// query, and the JSON body when one is given); a mismatch is answered with 599 and recorded.
/// </summary>
public sealed class QdrantReplayServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<Exchange> _script = new();
    private readonly List<string> _mismatches = [];
    private readonly Task _loop;

    public QdrantReplayServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    public IReadOnlyList<string> Mismatches => _mismatches;

    public int Remaining
    {
        get
        {
            lock (_script)
            {
                return _script.Count;
            }
        }
    }

    /// <summary>Scripts the next exchange; <paramref name="request"/> null means "any body".</summary>
    public QdrantReplayServer Expect(string method, string pathAndQuery, string? request, int status, string response)
    {
        lock (_script)
        {
            _script.Enqueue(new Exchange(method, pathAndQuery, request is null ? null : JsonNode.Parse(request), status, response));
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Exchange? next;
            lock (_script)
            {
                _script.TryDequeue(out next);
            }

            var actual = $"{context.Request.HttpMethod} {context.Request.Url!.PathAndQuery}";
            string? problem = null;
            if (next is null)
            {
                problem = $"unexpected request {actual} {body}";
            }
            else if (actual != $"{next.Method} {next.Path}")
            {
                problem = $"expected {next.Method} {next.Path}, got {actual}";
            }
            else if (next.Request is not null && !JsonNode.DeepEquals(next.Request, JsonNode.Parse(body)))
            {
                problem = $"{actual}: expected body {next.Request.ToJsonString()}, got {body}";
            }

            if (problem is not null)
            {
                lock (_script)
                {
                    _mismatches.Add(problem);
                }
            }

            var bytes = Encoding.UTF8.GetBytes(problem is null ? next!.Response : $"{{\"status\":{{\"error\":\"replay mismatch: {problem.Replace("\"", "'", StringComparison.Ordinal)}\"}}}}");
            context.Response.StatusCode = problem is null ? next!.Status : 599;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private sealed record Exchange(string Method, string Path, JsonNode? Request, int Status, string Response);
}
