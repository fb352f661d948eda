using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Workflows.Tests.Dify;

/// <summary>A request the fake server received.</summary>
internal sealed record DifyRequest(string Method, string Path, string Query, string? Authorization, string Body);

/// <summary>
/// Dify's service API played by a bare Kestrel on 127.0.0.1: the test supplies the handler, the server records every request.
/// </summary>
internal sealed class FakeDifyServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<DifyRequest> _requests = new();
    private readonly Func<HttpContext, DifyRequest, Task> _handler;
    private KestrelServer? _kestrel;

    private FakeDifyServer(Func<HttpContext, DifyRequest, Task> handler) => _handler = handler;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<DifyRequest> Requests => [.. _requests];

    public static async Task<FakeDifyServer> StartAsync(Func<HttpContext, DifyRequest, Task> handler)
    {
        var server = new FakeDifyServer(handler);
        var options = new KestrelServerOptions { AddServerHeader = false };
        options.Listen(IPAddress.Loopback, 0);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
        server._kestrel = new KestrelServer(Options.Create(options), transport, NullLoggerFactory.Instance);
        await server._kestrel.StartAsync(new Application(server), CancellationToken.None);
        var address = server._kestrel.Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_kestrel is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _kestrel.StopAsync(timeout.Token);
            _kestrel.Dispose();
        }
    }

    public static Task JsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    public static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        JsonAsync(context, status, $$"""{"code":"{{code}}","message":"{{message}}","status":{{status}}}""");

    public static async Task BeginSseAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.FlushAsync();
    }

    /// <summary>Writes raw SSE text (one or more frames) and flushes it.</summary>
    public static async Task SseAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text);
        await context.Response.Body.FlushAsync();
    }

    /// <summary>Writes one <c>data:</c> frame.</summary>
    public static Task DataAsync(HttpContext context, string json) => SseAsync(context, $"data: {json}\n\n");

    /// <summary>
    /// Drops the connection mid-response once the client has taken <paramref name="eventsWritten"/> events (one release of
    /// <paramref name="consumed"/> each). Aborting earlier would reset the connection while written bytes may still be unread,
    /// which makes a test racy.
    /// </summary>
    public static async Task DropConnectionAsync(HttpContext context, SemaphoreSlim consumed, int eventsWritten)
    {
        for (var i = 0; i < eventsWritten; i++)
        {
            await consumed.WaitAsync();
        }

        context.Abort();
    }

    /// <summary>
    /// A handler that answers the stop endpoint with success and otherwise streams <paramref name="frames"/>, then holds
    /// the stream open until the client drops it, which completes <paramref name="aborted"/>.
    /// </summary>
    public static Func<HttpContext, DifyRequest, Task> StreamUntilAborted(TaskCompletionSource aborted, params string[] frames) => async (context, request) =>
    {
        if (request.Path.EndsWith("/stop", StringComparison.Ordinal))
        {
            await JsonAsync(context, 200, """{"result":"success"}""");
            return;
        }

        await BeginSseAsync(context);
        foreach (var frame in frames)
        {
            await DataAsync(context, frame);
        }

        using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
        await aborted.Task;
    };

    /// <summary>Asserts the server received exactly one stop, for the sample task and user.</summary>
    public void AssertStoppedOnce()
    {
        var stop = Assert.Single(Requests, r => r.Path.EndsWith("/stop", StringComparison.Ordinal));
        Assert.Equal($"/v1/workflows/tasks/{DifySamples.TaskId}/stop", stop.Path);
        Assert.Contains(DifySamples.User, stop.Body, StringComparison.Ordinal);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new DifyRequest(
            context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
            context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, body);
        _requests.Enqueue(request);
        await _handler(context, request);
    }

    private sealed class Application(FakeDifyServer owner) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => owner.HandleAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}

/// <summary>Collects every log line, formatted, with its exception, at every level.</summary>
internal sealed class CapturingLoggerProvider : Microsoft.Extensions.Logging.ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
