using ClaudeOrchestration;
using ClaudeOrchestration.Cli;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Delegation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ClaudeOrchestration suite's core services.</summary>
public static class ClaudeOrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Claude Code client (<see cref="IClaudeClient"/>), the task delegator (<see cref="IClaudeTaskDelegator"/>),
    /// the CLI discovery, and a <c>claude-cli</c> health check. Options are validated when the host starts.
    /// Calling it again only applies <paramref name="configure"/> again.
    /// </summary>
    public static IClaudeOrchestrationBuilder AddClaudeOrchestration(this IServiceCollection services, Action<ClaudeOrchestrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ClaudeOrchestrationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>
    /// Registers the suite like <see cref="AddClaudeOrchestration(IServiceCollection, Action{ClaudeOrchestrationOptions})"/>,
    /// binding <see cref="ClaudeOrchestrationOptions"/> from <paramref name="configuration"/> (e.g. the <c>ClaudeOrchestration</c> section).
    /// </summary>
    public static IClaudeOrchestrationBuilder AddClaudeOrchestration(this IServiceCollection services, IConfiguration configuration, Action<ClaudeOrchestrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ClaudeOrchestrationOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>Configures the delegator's prompt templates and post-processors.</summary>
    public static IClaudeOrchestrationBuilder ConfigureDelegation(this IClaudeOrchestrationBuilder builder, Action<ClaudeDelegationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    private static ClaudeOrchestrationBuilder AddCore(IServiceCollection services, OptionsBuilder<ClaudeOrchestrationOptions> options)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeOrchestrationOptions>, ClaudeOrchestrationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The discovery is internal and shared: the CLI is located and its version checked once per container.
        services.TryAddSingleton(sp => new ClaudeCliDiscovery(
            sp.GetRequiredService<IOptionsMonitor<ClaudeOrchestrationOptions>>(), sp.GetService<ILogger<ClaudeCliDiscovery>>()));
        services.TryAddSingleton(sp => new ClaudeClient(
            sp.GetRequiredService<IOptionsMonitor<ClaudeOrchestrationOptions>>(),
            sp.GetRequiredService<ClaudeCliDiscovery>(),
            sp.GetService<ILogger<ClaudeClient>>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IClaudeClient>(sp => sp.GetRequiredService<ClaudeClient>());
        services.AddOptions<ClaudeDelegationOptions>();
        services.TryAddSingleton<IClaudeTaskDelegator, ClaudeTaskDelegator>();

        if (!services.Any(d => d.ServiceType == typeof(ClaudeCliHealthCheck)))
        {
            services.AddSingleton(sp => new ClaudeCliHealthCheck(sp.GetRequiredService<ClaudeCliDiscovery>()));
            services.AddHealthChecks().AddCheck<ClaudeCliHealthCheck>(ClaudeCliHealthCheck.Name, tags: ["claude"]);
        }

        return new ClaudeOrchestrationBuilder(services);
    }
}
