using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>The session pool with the real claude CLI; idle expiry on a fake clock.</summary>
public sealed class ClaudeSessionPoolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOrCreateAsync_TwoKeysConcurrently_TwoProcessesAndWarmReuse()
    {
        await using var env = await OfflineSessions.StartAsync();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions());

        var leases = await Task.WhenAll(pool.GetOrCreateAsync("alice", cancellationToken: Ct), pool.GetOrCreateAsync("bob", cancellationToken: Ct));
        var answers = await Task.WhenAll(leases[0].Session.RunAsync("alice asks", Ct), leases[1].Session.RunAsync("bob asks", Ct));
        var alicePid = leases[0].Session.ProcessId;
        var bobPid = leases[1].Session.ProcessId;
        foreach (var lease in leases)
        {
            await lease.DisposeAsync();
        }

        await using var again = await pool.GetOrCreateAsync("alice", cancellationToken: Ct);
        var second = await again.Session.RunAsync("alice again", Ct);

        Assert.NotEqual(alicePid, bobPid);
        Assert.Contains("alice asks", answers[0].Text, StringComparison.Ordinal);
        Assert.Contains("bob asks", answers[1].Text, StringComparison.Ordinal);
        Assert.Equal(alicePid, again.Session.ProcessId);
        Assert.Equal(answers[0].SessionId, second.SessionId);
        Assert.Equal(2, pool.Count);
        Assert.Equal(2, env.LiveProcesses().Count);
    }

    [Fact]
    public async Task GetOrCreateAsync_ExistingKeyWithOtherOptions_ThrowsInsteadOfHandingOutTheFirstCallersHandler()
    {
        await using var env = await OfflineSessions.StartAsync();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions());
        ClaudePermissionHandler aliceHandler = (_, _) => ValueTask.FromResult(ClaudePermissionResult.Allow());
        ClaudePermissionHandler bobHandler = (_, _) => ValueTask.FromResult(ClaudePermissionResult.Deny("bob says no"));
        var first = new ClaudeSessionOptions { CanUseTool = aliceHandler, RunOptions = new() { AllowedTools = ["Read"] } };
        await using var lease = await pool.GetOrCreateAsync("shared", first, Ct);

        var mismatch = await Assert.ThrowsAsync<ArgumentException>(
            () => pool.GetOrCreateAsync("shared", new ClaudeSessionOptions { CanUseTool = bobHandler, RunOptions = new() { AllowedTools = ["Read"] } }, Ct));
        var otherFlags = await Assert.ThrowsAsync<ArgumentException>(
            () => pool.GetOrCreateAsync("shared", new ClaudeSessionOptions { CanUseTool = aliceHandler, RunOptions = new() { AllowedTools = ["Bash"] } }, Ct));
        await using var sameInstance = await pool.GetOrCreateAsync("shared", first, Ct);
        await using var equivalent = await pool.GetOrCreateAsync("shared", new ClaudeSessionOptions { CanUseTool = aliceHandler, RunOptions = new() { AllowedTools = ["Read"] } }, Ct);
        await using var asItIs = await pool.GetOrCreateAsync("shared", cancellationToken: Ct);

        Assert.Contains("'shared'", mismatch.Message, StringComparison.Ordinal);
        Assert.Equal("options", otherFlags.ParamName);
        Assert.All([sameInstance, equivalent, asItIs], l => Assert.Same(lease.Session, l.Session));
        Assert.Same(aliceHandler, asItIs.Session.Options.CanUseTool);
    }

    [Fact]
    public async Task GetOrCreateAsync_SameKeyConcurrently_StartsOneProcess()
    {
        await using var env = await OfflineSessions.StartAsync();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions());

        var leases = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => pool.GetOrCreateAsync("shared", cancellationToken: Ct)));

        Assert.All(leases, l => Assert.Same(leases[0].Session, l.Session));
        Assert.Single(env.LiveProcesses());
        foreach (var lease in leases)
        {
            lease.Dispose();
        }
    }

    [Fact]
    public async Task IdleTimeout_ClosesSessionAndNextLeaseResumesConversation()
    {
        await using var env = await OfflineSessions.StartAsync();
        var clock = new FakeTimeProvider();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions { IdleTimeout = TimeSpan.FromMinutes(5), IdleCheckInterval = TimeSpan.FromMinutes(1) }, clock);
        env.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("remember", StringComparison.Ordinal), ScriptedReply.Text("Noted: HERON."));
        int firstPid;
        string firstSessionId;
        ClaudeSession first;
        await using (var lease = await pool.GetOrCreateAsync("conversation", cancellationToken: Ct))
        {
            first = lease.Session;
            firstPid = lease.Session.ProcessId;
            firstSessionId = (await lease.Session.RunAsync("remember HERON", Ct)).SessionId;
        }

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, pool.Count);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, pool.Count);
        await first.Completion.WaitAsync(Ct);

        await using var next = await pool.GetOrCreateAsync("conversation", cancellationToken: Ct);
        var answer = await next.Session.RunAsync("what did I say", Ct);

        Assert.Equal(ClaudeSessionState.Closed, first.State);
        Assert.NotEqual(firstPid, next.Session.ProcessId);
        Assert.Equal(firstSessionId, answer.SessionId);
        var request = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("what did I say", StringComparison.Ordinal));
        Assert.Contains("HERON", request.RawBody, StringComparison.Ordinal);
        Assert.Single(env.LiveProcesses());
    }

    [Fact]
    public async Task IdleTimeout_TranscriptGoneWhenTheKeyComesBack_StartsABlankConversation()
    {
        await using var env = await OfflineSessions.StartAsync();
        var clock = new FakeTimeProvider();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions { IdleTimeout = TimeSpan.FromMinutes(5), IdleCheckInterval = TimeSpan.FromMinutes(1) }, clock);
        ClaudeSession first;
        string firstSessionId;
        await using (var lease = await pool.GetOrCreateAsync("conversation", cancellationToken: Ct))
        {
            first = lease.Session;
            firstSessionId = (await lease.Session.RunAsync("remember IBIS", Ct)).SessionId;
        }

        clock.Advance(TimeSpan.FromMinutes(6));
        await first.Completion.WaitAsync(Ct);
        Directory.Delete(Path.Combine(env.Claude.ConfigDirectory, "projects"), recursive: true);

        await using var next = await pool.GetOrCreateAsync("conversation", cancellationToken: Ct);
        var answer = await next.Session.RunAsync("what did I say", Ct);

        Assert.False(answer.IsError);
        Assert.NotEqual(firstSessionId, answer.SessionId);
        var request = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("what did I say", StringComparison.Ordinal));
        Assert.DoesNotContain("IBIS", request.RawBody, StringComparison.Ordinal);
        Assert.Single(env.LiveProcesses());
    }

    [Fact]
    public async Task GetOrCreateAsync_AtCap_ClosesLeastRecentlyUsedIdleSession()
    {
        await using var env = await OfflineSessions.StartAsync();
        var clock = new FakeTimeProvider();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions { MaxSessions = 2 }, clock);
        ClaudeSession a;
        await using (var lease = await pool.GetOrCreateAsync("a", cancellationToken: Ct))
        {
            a = lease.Session;
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        await pool.PrewarmAsync("b", cancellationToken: Ct);
        clock.Advance(TimeSpan.FromSeconds(1));

        await using var c = await pool.GetOrCreateAsync("c", cancellationToken: Ct);

        Assert.Equal(["b", "c"], pool.Keys.Order());
        await a.Completion.WaitAsync(Ct);
        Assert.Equal(2, env.LiveProcesses().Count);
    }

    [Fact]
    public async Task GetOrCreateAsync_AtCapBehindAStartItsCallerAbandoned_ProceedsWhenThatStartEnds()
    {
        await using var env = await OfflineSessions.StartAsync();
        var clock = new FakeTimeProvider();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions { MaxSessions = 1 }, clock);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var abandoned = pool.GetOrCreateAsync("a", cancellationToken: giveUp.Token);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await using var b = await pool.GetOrCreateAsync("b", cancellationToken: Ct);

        Assert.Equal(["b"], pool.Keys);
        Assert.Single(env.LiveProcesses());
    }

    [Fact]
    public async Task RemoveAsync_WhileACallerWaitsForTheStart_ConversationIsNotResumedAndNoProcessLeaks()
    {
        await using var env = await OfflineSessions.StartAsync();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions());

        var waiting = pool.GetOrCreateAsync("k", cancellationToken: Ct);
        var removed = await pool.RemoveAsync("k");
        await using var lease = await waiting;

        Assert.True(removed);
        Assert.NotEqual(ClaudeSessionState.Faulted, lease.Session.State);
        Assert.Null(lease.Session.Options.RunOptions.Resume);
        await lease.DisposeAsync();
        await pool.DisposeAsync();
        Assert.Empty(env.LiveProcesses());
    }

    [Fact]
    public async Task GetOrCreateAsync_FaultedSession_IsResumedInPlace()
    {
        await using var env = await OfflineSessions.StartAsync();
        await using var pool = CreatePool(env, new ClaudeSessionPoolOptions());
        ClaudeSession first;
        string sessionId;
        await using (var lease = await pool.GetOrCreateAsync("k", cancellationToken: Ct))
        {
            first = lease.Session;
            sessionId = (await first.RunAsync("hello", Ct)).SessionId;
        }

        using (var process = System.Diagnostics.Process.GetProcessById(first.ProcessId))
        {
            process.Kill();
        }

        await first.Completion.WaitAsync(Ct);

        await using var next = await pool.GetOrCreateAsync("k", cancellationToken: Ct);
        var answer = await next.Session.RunAsync("still there?", Ct);

        Assert.NotSame(first, next.Session);
        Assert.Equal(sessionId, answer.SessionId);
        Assert.Single(env.LiveProcesses());
    }

    [Fact]
    public async Task DisposeAsync_Pool_StopsEveryProcess()
    {
        await using var env = await OfflineSessions.StartAsync();
        var pool = CreatePool(env, new ClaudeSessionPoolOptions());
        await Task.WhenAll(pool.PrewarmAsync("x", cancellationToken: Ct), pool.PrewarmAsync("y", cancellationToken: Ct));
        Assert.Equal(2, env.LiveProcesses().Count);

        await pool.DisposeAsync();

        Assert.Empty(env.LiveProcesses());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.GetOrCreateAsync("x", cancellationToken: Ct));
    }

    [Fact]
    public async Task ConversationRetention_KeyComesBackAfterIt_ConversationIsForgottenAndANewOneStarts()
    {
        await using var env = await OfflineSessions.StartAsync();
        var clock = new FakeTimeProvider();
        await using var pool = CreatePool(
            env,
            new ClaudeSessionPoolOptions { IdleTimeout = TimeSpan.FromMinutes(5), IdleCheckInterval = TimeSpan.FromMinutes(1), ConversationRetention = TimeSpan.FromMinutes(30) },
            clock);
        string firstSessionId;
        ClaudeSession first;
        await using (var lease = await pool.GetOrCreateAsync("conversation", cancellationToken: Ct))
        {
            first = lease.Session;
            firstSessionId = (await lease.Session.RunAsync("remember HERON", Ct)).SessionId;
        }

        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(0, pool.Count);
        Assert.Equal(1, pool.RememberedConversationCount);
        await first.Completion.WaitAsync(Ct);
        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(1, pool.RememberedConversationCount);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, pool.RememberedConversationCount);

        await using var next = await pool.GetOrCreateAsync("conversation", cancellationToken: Ct);
        var answer = await next.Session.RunAsync("what did I say", Ct);

        Assert.NotEqual(firstSessionId, answer.SessionId);
        var request = env.Server.Requests.Last(r => !r.IsSideCall && r.LatestUserText.Contains("what did I say", StringComparison.Ordinal));
        Assert.DoesNotContain("HERON", request.RawBody, StringComparison.Ordinal);
    }

    private static ClaudeSessionPool CreatePool(OfflineSessions env, ClaudeSessionPoolOptions options, TimeProvider? clock = null) =>
        new(env.Factory, Options.Create(options), timeProvider: clock);
}
