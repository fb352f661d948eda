using System.Diagnostics;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>Session faults and shutdown against the real claude CLI.</summary>
public sealed class ClaudeSessionFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_CliKilledMidTurn_FailsWithExitCodeFaultsAndResumeKeepsHistory()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("remember", StringComparison.Ordinal), ScriptedReply.Text("Noted: KESTREL."));
        env.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("SLOW", StringComparison.Ordinal), ScriptedReply.Text("never").WithDelay(TimeSpan.FromMinutes(10)));
        env.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("after resume", StringComparison.Ordinal), ScriptedReply.Text("Resumed fine."));
        var session = await env.StartSessionAsync();
        await session.RunAsync("remember KESTREL", Ct);

        var turn = session.RunAsync("SLOW please", Ct);
        await env.Server.WaitForRequestAsync(r => !r.IsSideCall && r.LatestUserText.Contains("SLOW", StringComparison.Ordinal), Ct);
        using (var process = Process.GetProcessById(session.ProcessId))
        {
            process.Kill();
        }

        var failure = await Assert.ThrowsAsync<ClaudeProcessException>(() => turn);
        Assert.Equal(137, failure.ExitCode);
        Assert.Contains("exited with code 137", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ClaudeSessionState.Faulted, session.State);
        Assert.Same(failure, session.Fault);
        Assert.Empty(env.LiveProcesses());
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => session.RunAsync("again", Ct));
        Assert.Contains("ResumeAsync", refused.Message, StringComparison.Ordinal);

        await using var resumed = await session.ResumeAsync(Ct);
        await session.DisposeAsync();
        var after = await resumed.RunAsync("after resume", Ct);

        Assert.Equal("Resumed fine.", after.Text);
        Assert.Equal(session.SessionId, resumed.SessionId);
        Assert.Equal(session.SessionId, after.SessionId);
        Assert.NotEqual(session.ProcessId, resumed.ProcessId);
        var request = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("after resume", StringComparison.Ordinal));
        Assert.Contains("KESTREL", request.RawBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_OversizedLine_FailsWithProtocolErrorAndNoProcessLeft()
    {
        await using var env = await OfflineSessions.StartAsync(o => o.MaxLineBytes = 512 * 1024);
        env.Server.Enqueue(ScriptedReply.Text(new string('x', 600 * 1024)));
        await using var session = await env.StartSessionAsync();

        var failure = await Assert.ThrowsAsync<ClaudeProtocolException>(() => session.RunAsync("big reply", Ct));

        Assert.Contains("MaxLineBytes", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.OffendingLine);
        Assert.Equal(ClaudeSessionState.Faulted, session.State);
        await session.DisposeAsync();
        Assert.Empty(env.LiveProcesses());
    }

    [Fact]
    public async Task DisposeAsync_CallbackInFlight_CancelsCallbackAndStopsProcess()
    {
        await using var env = await OfflineSessions.StartAsync();
        env.Server.Enqueue(ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = "/etc/hostname" }));
        var blocking = new BlockingCallback();
        var (entered, cancelled) = (blocking.Entered, blocking.Cancelled);
        var session = await env.StartSessionAsync(new ClaudeSessionOptions
        {
            CanUseTool = (_, token) => new ValueTask<ClaudePermissionResult>(blocking.RunAsync<ClaudePermissionResult>(token)),
        });

        var turn = session.RunAsync("Read the hostname", Ct);
        await entered.Task.WaitAsync(Ct);
        Assert.Single(env.LiveProcesses());

        await session.DisposeAsync();

        await cancelled.Task.WaitAsync(Ct);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => turn);
        Assert.Equal(ClaudeSessionState.Closed, session.State);
        Assert.Empty(env.LiveProcesses());
    }

    [Fact]
    public async Task DisposeAsync_IdleSession_ProcessExitsAndLaterCallsThrow()
    {
        await using var env = await OfflineSessions.StartAsync();
        var session = await env.StartSessionAsync();
        await session.RunAsync("hello", Ct);

        await session.DisposeAsync();
        await session.DisposeAsync();

        Assert.Empty(env.LiveProcesses());
        Assert.Equal(ClaudeSessionState.Closed, session.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.RunAsync("again", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.GetMcpStatusAsync(Ct));
    }

    [Fact]
    public async Task StartAsync_CliRejectsArguments_FailsWithExitCodeAndStderr()
    {
        await using var env = await OfflineSessions.StartAsync();

        var failure = await Assert.ThrowsAsync<ClaudeProcessException>(() => env.StartSessionAsync(new ClaudeSessionOptions
        {
            RunOptions = new ClaudeRunOptions { Resume = Guid.NewGuid().ToString() },
        }));

        Assert.Equal(1, failure.ExitCode);
        Assert.Contains(failure.StderrTail, l => l.Contains("No conversation found", StringComparison.Ordinal));
        Assert.Empty(env.LiveProcesses());
    }
}
