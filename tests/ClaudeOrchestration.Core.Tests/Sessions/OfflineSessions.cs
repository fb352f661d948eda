using ClaudeOrchestration.Core.Tests.Integration;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>The real CLI offline (see <see cref="OfflineClaude"/>) plus a session factory and a marker to find its processes.</summary>
internal sealed class OfflineSessions : IAsyncDisposable
{
    private const string MarkerVariable = "CLAUDE_ORCHESTRATION_TEST_MARKER";

    private OfflineSessions(OfflineClaude claude, string marker)
    {
        Claude = claude;
        Marker = marker;
        Factory = ClaudeSessionFactory.Create(claude.Options);
    }

    public OfflineClaude Claude { get; }

    public ScriptedMessagesServer Server => Claude.Server;

    public ClaudeSessionFactory Factory { get; }

    public string Marker { get; }

    public string WorkingDirectory => Claude.WorkingDirectory;

    public static async Task<OfflineSessions> StartAsync(Action<ClaudeOrchestrationOptions>? configure = null)
    {
        var marker = Guid.NewGuid().ToString("N");
        var claude = await OfflineClaude.StartAsync(o =>
        {
            o.EnvironmentVariables[MarkerVariable] = marker;
            configure?.Invoke(o);
        });
        return new OfflineSessions(claude, marker);
    }

    /// <summary>Live processes started by this fixture's sessions (the CLIs and anything they spawned).</summary>
    public IReadOnlyList<int> LiveProcesses() => ProcessProbe.FindLiveProcessesWithEnvironment(MarkerVariable, Marker);

    public Task<ClaudeSession> StartSessionAsync(ClaudeSessionOptions? options = null) =>
        Factory.StartAsync(options, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Claude.DisposeAsync();
}
