using ClaudeOrchestration.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Mcp;

/// <summary>
/// Creates <see cref="ClaudeSdkMcpServer"/>s from the definitions registered with
/// <c>AddSdkMcpServer(...)</c>: a fresh instance per call, because each CLI session needs its own MCP session.
/// Tool parameters and instance tools resolve services from the application's container, in a new scope per call.
/// </summary>
public sealed class ClaudeSdkMcpServerFactory
{
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<ClaudeSdkMcpServerOptions> _options;
    private readonly ILoggerFactory? _loggerFactory;

    internal ClaudeSdkMcpServerFactory(
        IServiceProvider services,
        IOptionsMonitor<ClaudeSdkMcpServerOptions> options,
        IEnumerable<ClaudeSdkMcpServerRegistration> registrations,
        ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _options = options;
        _loggerFactory = loggerFactory;
        Names = [.. registrations.Select(r => r.Name).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Gets the names of the registered servers, in registration order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Creates a new server from the definition registered under <paramref name="name"/>.</summary>
    /// <param name="name">The server name given to <c>AddSdkMcpServer</c>.</param>
    /// <returns>A started server; dispose it when its session ends.</returns>
    /// <exception cref="ArgumentException">No server is registered under <paramref name="name"/>.</exception>
    public ClaudeSdkMcpServer Create(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Names.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"No in-process MCP server named '{name}' is registered. Registered: [{string.Join(", ", Names)}]. Register it with services.AddClaudeOrchestration().AddSdkMcpServer(\"{name}\", ...).",
                nameof(name));
        }

        return ClaudeSdkMcpServer.Create(_options.Get(name), _services, _loggerFactory);
    }

    /// <summary>
    /// One factory per registered definition, for <c>ClaudeSessionOptions.SdkMcpServerFactories</c>: each CLI process of a
    /// session (resumes and forks included) gets its own servers, and the session disposes them.
    /// </summary>
    /// <returns>The factories, in registration order.</returns>
    public IReadOnlyList<Func<IClaudeSdkMcpServer>> Factories() => [.. Names.Select(name => (Func<IClaudeSdkMcpServer>)(() => Create(name)))];

    /// <summary>Creates one new server of each registered definition, e.g. for <c>ClaudeSessionOptions.SdkMcpServers</c>.</summary>
    /// <returns>The started servers, in registration order; dispose them when the session ends.</returns>
    public IReadOnlyList<ClaudeSdkMcpServer> CreateAll() => [.. Names.Select(Create)];
}

/// <summary>Marks a server name registered with <c>AddSdkMcpServer</c>; read by <see cref="ClaudeSdkMcpServerFactory"/>.</summary>
internal sealed record ClaudeSdkMcpServerRegistration(string Name);
