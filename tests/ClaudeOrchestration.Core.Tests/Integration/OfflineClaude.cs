using ClaudeOrchestration.Client;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Core.Tests.Integration;

/// <summary>The real pinned claude CLI, a scripted Messages API, a private config directory and working directory.</summary>
internal sealed class OfflineClaude : IAsyncDisposable
{
    private OfflineClaude(ScriptedMessagesServer server, TempDirectory root, ClaudeClient client, ClaudeOrchestrationOptions options)
    {
        Server = server;
        Root = root;
        Client = client;
        Options = options;
    }

    public ScriptedMessagesServer Server { get; }

    public TempDirectory Root { get; }

    public ClaudeClient Client { get; }

    public ClaudeOrchestrationOptions Options { get; }

    public string WorkingDirectory => Path.Combine(Root.FullPath, "work");

    public static async Task<OfflineClaude> StartAsync(Action<ClaudeOrchestrationOptions>? configure = null)
    {
        var server = await ScriptedMessagesServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var root = new TempDirectory();
        var config = Directory.CreateDirectory(Path.Combine(root.FullPath, "config")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(root.FullPath, "work")).FullName;
        var options = new ClaudeOrchestrationOptions { CliPath = TestCli.Path, DefaultWorkingDirectory = work };
        foreach (var (name, value) in server.CreateCliEnvironment(config))
        {
            options.EnvironmentVariables[name] = value;
        }

        configure?.Invoke(options);
        return new OfflineClaude(server, root, ClaudeClient.Create(options), options);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Root.Dispose();
    }
}
