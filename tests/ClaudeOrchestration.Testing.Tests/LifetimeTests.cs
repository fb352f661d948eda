using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Testing.Tests;

/// <summary>Delays, cancellation and shutdown. Delays run on a fake clock, so only the behaviour under test can end them.</summary>
public sealed class LifetimeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithDelay_FakeClockAdvanced_ReplyArrivesOnlyAfterTheDelay()
    {
        var clock = new FakeTimeProvider();
        await using var server = await ScriptedMessagesServer.StartAsync(new ScriptedMessagesServerOptions { TimeProvider = clock }, Ct);
        server.Enqueue(ScriptedReply.Text("late").WithDelay(TimeSpan.FromMinutes(5)));
        using var http = new HttpClient();

        var pending = MessagesApi.PostAsync(http, server, MessagesApi.Body("slow", stream: false), Ct);
        await server.WaitForRequestAsync(_ => true, Ct);
        clock.Advance(TimeSpan.FromMinutes(4));
        var completedEarly = pending.IsCompleted;
        clock.Advance(TimeSpan.FromMinutes(1));
        using var response = await pending;

        Assert.False(completedEarly);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("late", (await MessagesApi.ReadJsonAsync(response, Ct)).GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task WithDelay_ClientCancels_ServerStopsWaitingAndGoesIdle()
    {
        // The clock never moves: the handler can only finish by honouring the request's cancellation.
        var clock = new FakeTimeProvider();
        await using var server = await ScriptedMessagesServer.StartAsync(new ScriptedMessagesServerOptions { TimeProvider = clock }, Ct);
        server.Enqueue(ScriptedReply.Text("never sent").WithDelay(Timeout.InfiniteTimeSpan));
        using var http = new HttpClient();
        using var cancellation = new CancellationTokenSource();

        var pending = MessagesApi.PostAsync(http, server, MessagesApi.Body("slow"), cancellation.Token);
        await server.WaitForRequestAsync(_ => true, Ct);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await server.WaitForIdleAsync(Ct);
        Assert.Equal(ReplySource.Queue, server.Requests.Single().ReplySource);
    }

    [Fact]
    public async Task DisposeAsync_WhileAReplyIsDelayed_EndsTheWaitAndStops()
    {
        // An infinite shutdown timeout and a clock that never moves: DisposeAsync returns only if the delay honours shutdown.
        var options = new ScriptedMessagesServerOptions { TimeProvider = new FakeTimeProvider(), ShutdownTimeout = Timeout.InfiniteTimeSpan };
        var server = await ScriptedMessagesServer.StartAsync(options, Ct);
        server.Enqueue(ScriptedReply.Text("never sent").WithDelay(Timeout.InfiniteTimeSpan));
        using var http = new HttpClient();

        var pending = MessagesApi.PostAsync(http, server, MessagesApi.Body("slow"), Ct);
        await server.WaitForRequestAsync(_ => true, Ct);
        await server.DisposeAsync();

        // The server aborts the connection before any header is sent: the client sees a broken response, not a reply.
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            using var response = await pending;
            await response.Content.ReadAsStringAsync(Ct);
            response.EnsureSuccessStatusCode();
        });
        await server.WaitForIdleAsync(Ct);
    }

    [Fact]
    public async Task DisposeAsync_AfterUse_ReleasesThePort()
    {
        var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var port = server.BaseUrl.Port;
        using (var http = new HttpClient())
        {
            using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("hi"), Ct);
            await response.Content.ReadAsStringAsync(Ct);
        }

        await server.DisposeAsync();
        await server.DisposeAsync();

        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port, Ct).AsTask());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        listener.Stop();
    }

    [Fact]
    public async Task WaitForIdleAsync_NothingInFlight_CompletesAtOnce()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);

        var idle = server.WaitForIdleAsync(Ct);

        Assert.True(idle.IsCompletedSuccessfully);
        await idle;
    }
}
