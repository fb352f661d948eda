using ClaudeOrchestration.Client;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.TestUtilities;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.AI.Tests;

/// <summary>The real CLI offline against the scripted Messages API, with a session pool and a one-shot client to build chat clients on.</summary>
internal sealed class OfflineChat : IAsyncDisposable
{
    private readonly List<ClaudeSessionPool> _pools = [];
    private readonly List<ClaudeCodeChatClient> _clients = [];

    private OfflineChat(OfflineCliFixture cli)
    {
        Cli = cli;
        Options = new ClaudeOrchestrationOptions { CliPath = TestCli.Path, DefaultWorkingDirectory = cli.WorkingDirectory };
        foreach (var (name, value) in cli.Environment)
        {
            Options.EnvironmentVariables[name] = value;
        }

        Factory = ClaudeSessionFactory.Create(Options);
        OneShot = ClaudeClient.Create(Options);
    }

    public OfflineCliFixture Cli { get; }

    public ScriptedMessagesServer Server => Cli.Server;

    public ClaudeOrchestrationOptions Options { get; }

    public ClaudeSessionFactory Factory { get; }

    public ClaudeClient OneShot { get; }

    public static async Task<OfflineChat> StartAsync() =>
        new(await OfflineCliFixture.StartAsync(cancellationToken: TestContext.Current.CancellationToken));

    /// <summary>A new pool (as a restarted host would have) for session-mode clients.</summary>
    public ClaudeSessionPool CreatePool()
    {
        var pool = new ClaudeSessionPool(Factory, Microsoft.Extensions.Options.Options.Create(new ClaudeSessionPoolOptions()));
        _pools.Add(pool);
        return pool;
    }

    public ClaudeCodeChatClient CreateClient(Action<ClaudeCodeChatClientOptions>? configure = null, ClaudeSessionPool? pool = null)
    {
        var options = new ClaudeCodeChatClientOptions();
        configure?.Invoke(options);
        var client = options.Mode == ClaudeCodeChatMode.Session
            ? new ClaudeCodeChatClient(options, sessionPool: pool ?? CreatePool())
            : new ClaudeCodeChatClient(options, client: OneShot);
        _clients.Add(client);
        return client;
    }

    /// <summary>Live CLI processes (and their children) started by this fixture.</summary>
    public IReadOnlyList<int> LiveProcesses() => Cli.FindLiveProcesses();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var pool in _pools)
        {
            await pool.DisposeAsync();
        }

        await Cli.DisposeAsync();
    }
}
