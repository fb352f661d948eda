using ClaudeOrchestration.Client;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Core.Tests.Integration;

/// <summary>
/// The real pinned claude CLI driven through a <see cref="ClaudeClient"/>: an <see cref="OfflineCliFixture"/> (scripted
/// Messages API, private config, <c>HOME</c> and working directory) and the client options that point at it.
/// </summary>
internal sealed class OfflineClaude : IAsyncDisposable
{
    private readonly OfflineCliFixture _cli;

    private OfflineClaude(OfflineCliFixture cli, ClaudeClient client, ClaudeOrchestrationOptions options)
    {
        _cli = cli;
        Client = client;
        Options = options;
    }

    public ScriptedMessagesServer Server => _cli.Server;

    public ClaudeClient Client { get; }

    public ClaudeOrchestrationOptions Options { get; }

    public string WorkingDirectory => _cli.WorkingDirectory;

    public string ConfigDirectory => _cli.ConfigDirectory;

    public static async Task<OfflineClaude> StartAsync(Action<ClaudeOrchestrationOptions>? configure = null)
    {
        var cli = await OfflineCliFixture.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var options = new ClaudeOrchestrationOptions { CliPath = TestCli.Path, DefaultWorkingDirectory = cli.WorkingDirectory };
        foreach (var (name, value) in cli.Environment)
        {
            options.EnvironmentVariables[name] = value;
        }

        configure?.Invoke(options);
        return new OfflineClaude(cli, ClaudeClient.Create(options), options);
    }

    public async ValueTask DisposeAsync() => await _cli.DisposeAsync();
}
