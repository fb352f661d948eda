using System.IO.Pipelines;
using System.Threading.Channels;
using ClaudeOrchestration.Mcp.Server;
using ClaudeOrchestration.Rag;
using ClaudeOrchestration.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Tests.Server;

/// <summary>
/// A real Generic Host with the official SDK's MCP server (stream transport over in-memory pipes) and the suite's tools,
/// a real <see cref="McpClient"/> connected to it, and the real CLI against a scripted Messages API behind the agent tools.
/// </summary>
internal sealed class McpTestHost : IAsyncDisposable
{
    private bool _started;

    private McpTestHost(OfflineCliFixture cli, IHost host)
    {
        Cli = cli;
        Host = host;
    }

    public OfflineCliFixture Cli { get; }

    public IHost Host { get; }

    public McpClient Client { get; private set; } = null!;

    public IServiceProvider Services => Host.Services;

    /// <summary>The names of tool calls the server has finished (returned, failed or cancelled), in order: a sync point for tests.</summary>
    public ChannelReader<string> CompletedCalls { get; private init; } = null!;

    public static async Task<McpTestHost> StartAsync(Action<ClaudeOrchestrationMcpOptions>? configure = null, string? protocolVersion = null, CancellationToken cancellationToken = default)
    {
        var cli = await OfflineCliFixture.StartAsync(cancellationToken: cancellationToken);
        Directory.CreateDirectory(cli.WorkingDirectory);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var completed = Channel.CreateUnbounded<string>();
        var pipes = (ClientToServer: new Pipe(), ServerToClient: new Pipe());
        builder.Services
            .AddClaudeOrchestration(o =>
            {
                o.CliPath = TestCli.Path;
                o.DefaultWorkingDirectory = cli.WorkingDirectory;
                o.AllowedWorkingDirectoryRoots.Add(cli.WorkingDirectory);
                foreach (var (name, value) in cli.Environment)
                {
                    o.EnvironmentVariables[name] = value;
                }
            })
            .AddRag(o => o.Storage = RagStorage.InMemory)
            .AddWorkflows(o => o.Storage = ClaudeOrchestration.Workflows.Execution.WorkflowStorage.InMemory)
            .AddWorkflowNodeHandler<BlockingNodeHandler>()
            .AddTestWorkflows();
        builder.Services
            .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "test", Version = "1.0.0" })
            .WithStreamServerTransport(pipes.ClientToServer.Reader.AsStream(), pipes.ServerToClient.Writer.AsStream())
            .WithClaudeOrchestrationTools(configure)
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => async (context, cancellationToken) =>
            {
                try
                {
                    return await next(context, cancellationToken);
                }
                finally
                {
                    completed.Writer.TryWrite(context.Params?.Name ?? string.Empty);
                }
            }));

        var host = builder.Build();
        var result = new McpTestHost(cli, host) { CompletedCalls = completed.Reader };
        try
        {
            await host.StartAsync(cancellationToken);
            result._started = true;
            result.Client = await McpClient.CreateAsync(
                new StreamClientTransport(pipes.ClientToServer.Writer.AsStream(), pipes.ServerToClient.Reader.AsStream()),
                new McpClientOptions { ProtocolVersion = protocolVersion },
                cancellationToken: cancellationToken);
            return result;
        }
        catch
        {
            await result.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (_started)
        {
            await Host.StopAsync(CancellationToken.None);
        }

        Host.Dispose();
        await Cli.DisposeAsync();
    }
}
