using ClaudeOrchestration.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers long-lived Claude Code sessions.</summary>
public static class ClaudeSessionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ClaudeSessionFactory"/> and a singleton <see cref="ClaudeSessionPool"/> (disposed with the
    /// container, which stops its processes). Pool options are validated when the host starts. Calling it again only
    /// applies <paramref name="configure"/> again.
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configure">Configures the pool, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static IClaudeOrchestrationBuilder AddClaudeSessions(this IClaudeOrchestrationBuilder builder, Action<ClaudeSessionPoolOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ClaudeSessionPoolOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(builder, options);
    }

    /// <summary>Registers sessions like <see cref="AddClaudeSessions(IClaudeOrchestrationBuilder, Action{ClaudeSessionPoolOptions})"/>, binding the pool options from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configuration">The section to bind, e.g. <c>ClaudeOrchestration:Sessions</c>.</param>
    /// <returns>The builder.</returns>
    public static IClaudeOrchestrationBuilder AddClaudeSessions(this IClaudeOrchestrationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(builder, builder.Services.AddOptions<ClaudeSessionPoolOptions>().Bind(configuration));
    }

    private static IClaudeOrchestrationBuilder AddCore(IClaudeOrchestrationBuilder builder, OptionsBuilder<ClaudeSessionPoolOptions> options)
    {
        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeSessionPoolOptions>, ClaudeSessionPoolOptionsValidator>());
        builder.Services.TryAddSingleton<ClaudeSessionFactory>();
        builder.Services.TryAddSingleton<ClaudeSessionPool>();
        return builder;
    }
}
