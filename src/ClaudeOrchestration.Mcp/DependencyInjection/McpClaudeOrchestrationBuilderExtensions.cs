using ClaudeOrchestration.Mcp;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers in-process MCP servers (C# tools for Claude Code sessions).</summary>
public static class McpClaudeOrchestrationBuilderExtensions
{
    /// <summary>
    /// Registers an in-process MCP server definition under <paramref name="name"/> and the
    /// <see cref="ClaudeSdkMcpServerFactory"/> that creates a server from it for each session. The definition is built once,
    /// on first use, and validated when the host starts. Calling it again with the same name adds to the same definition.
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration()</c>.</param>
    /// <param name="name">The server name; letters, digits, <c>_</c> and <c>-</c> only. Tools appear as <c>mcp__&lt;name&gt;__&lt;tool&gt;</c>.</param>
    /// <param name="configure">
    /// Adds the tools, given the application's services, e.g.
    /// <c>(server, services) =&gt; server.Tools.AddRange(ClaudeSdkMcpTools.FromType&lt;CalcTools&gt;(services))</c>.
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    public static IClaudeOrchestrationBuilder AddSdkMcpServer(
        this IClaudeOrchestrationBuilder builder, string name, Action<ClaudeSdkMcpServerOptions, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<ClaudeSdkMcpServerOptions>(name)
            .Configure<IServiceProvider>((options, provider) =>
            {
                options.Name = name;
                configure(options, provider);
            })
            .ValidateOnStart();

        if (!services.Any(d => d.ServiceType == typeof(ClaudeSdkMcpServerRegistration) && d.ImplementationInstance is ClaudeSdkMcpServerRegistration r && r.Name == name))
        {
            services.AddSingleton(new ClaudeSdkMcpServerRegistration(name));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeSdkMcpServerOptions>, ClaudeSdkMcpServerOptionsValidator>());
        services.TryAddSingleton(sp => new ClaudeSdkMcpServerFactory(
            sp,
            sp.GetRequiredService<IOptionsMonitor<ClaudeSdkMcpServerOptions>>(),
            sp.GetServices<ClaudeSdkMcpServerRegistration>(),
            sp.GetService<ILoggerFactory>()));
        return builder;
    }

    /// <summary>
    /// Registers an in-process MCP server whose tools are the <c>[McpServerTool]</c> methods of <typeparamref name="TTools"/>
    /// (see <see cref="ClaudeSdkMcpTools.FromType{T}"/>); instance methods get a new <typeparamref name="TTools"/> per call,
    /// with constructor injection.
    /// </summary>
    /// <typeparam name="TTools">The class that declares the tool methods.</typeparam>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration()</c>.</param>
    /// <param name="name">The server name.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IClaudeOrchestrationBuilder AddSdkMcpServer<
        [System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(
            System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods
            | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.NonPublicMethods
            | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TTools>(
        this IClaudeOrchestrationBuilder builder, string name)
        where TTools : class =>
        builder.AddSdkMcpServer(name, static (server, services) =>
        {
            foreach (var tool in ClaudeSdkMcpTools.FromType<TTools>(services))
            {
                server.Tools.Add(tool);
            }
        });
}
