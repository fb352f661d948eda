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
        // A private HOME: the CLI's Bash tool sources the user's shell start-up files (a developer's ~/.bashrc can take a
        // minute, e.g. pyenv waiting on its shim lock), and nothing of the machine's user should leak into the test.
        var home = Directory.CreateDirectory(Path.Combine(root.FullPath, "home")).FullName;
        var options = new ClaudeOrchestrationOptions { CliPath = TestCli.Path, DefaultWorkingDirectory = work };
        foreach (var (name, value) in server.CreateCliEnvironment(config))
        {
            options.EnvironmentVariables[name] = value;
        }

        options.EnvironmentVariables["HOME"] = home;

        configure?.Invoke(options);
        return new OfflineClaude(server, root, ClaudeClient.Create(options), options);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Root.Dispose();
    }
}
