using ClaudeOrchestration.AI;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Sessions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Claude Code as the host's <see cref="IChatClient"/>.</summary>
public static class ClaudeCodeChatClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="ClaudeCodeChatClient"/> as the singleton <see cref="IChatClient"/> (and the session pool it needs),
    /// and returns M.E.AI's <see cref="ChatClientBuilder"/> for middleware:
    /// <c>.AddClaudeCodeChatClient().UseOpenTelemetry().UseLogging()</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configure">Configures the client, or <see langword="null"/> for the defaults (session mode).</param>
    /// <returns>The chat client builder.</returns>
    public static ChatClientBuilder AddClaudeCodeChatClient(this IClaudeOrchestrationBuilder builder, Action<ClaudeCodeChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOptions(builder, Options.Options.DefaultName, configure);
        return builder.Services.AddChatClient(sp => Create(sp, Options.Options.DefaultName));
    }

    /// <summary>
    /// Registers a <see cref="ClaudeCodeChatClient"/> as a keyed singleton <see cref="IChatClient"/>, for hosts with several chat
    /// clients. Its options are the named options <c>serviceKey.ToString()</c>; its pool keys start with <c>chat:&lt;key&gt;:</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="serviceKey">The key, e.g. <c>"claude-code"</c>.</param>
    /// <param name="configure">Configures the client, or <see langword="null"/> for the defaults.</param>
    /// <returns>The chat client builder.</returns>
    public static ChatClientBuilder AddKeyedClaudeCodeChatClient(
        this IClaudeOrchestrationBuilder builder, object serviceKey, Action<ClaudeCodeChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serviceKey);
        var name = serviceKey.ToString() ?? Options.Options.DefaultName;

        // Keyed clients share the pool: their own key prefix keeps one client from picking up another's warm session
        // (started with other settings and tool servers) when handed its conversation id.
        builder.Services.AddOptions<ClaudeCodeChatClientOptions>(name).Configure(o => o.PoolKeyPrefix = $"chat:{name}:");
        AddOptions(builder, name, configure);
        return builder.Services.AddKeyedChatClient(serviceKey, sp => Create(sp, name));
    }

    private static void AddOptions(IClaudeOrchestrationBuilder builder, string name, Action<ClaudeCodeChatClientOptions>? configure)
    {
        builder.AddClaudeSessions();
        var options = builder.Services.AddOptions<ClaudeCodeChatClientOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => o.RunOptions is not null, "ClaudeCodeChatClientOptions.RunOptions must not be null; leave it unset for the CLI's defaults.")
            .Validate(
                o => !string.IsNullOrEmpty(o.ToolServerName) && o.ToolServerName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'),
                "ClaudeCodeChatClientOptions.ToolServerName must be letters, digits, '_' or '-' (for example 'host').")
            .Validate(o => !string.IsNullOrEmpty(o.PoolKeyPrefix), "ClaudeCodeChatClientOptions.PoolKeyPrefix must not be empty (for example 'chat:').")
            .ValidateOnStart();
    }

    private static ClaudeCodeChatClient Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<ClaudeCodeChatClientOptions>>().Get(name);
        return new ClaudeCodeChatClient(
            options,
            options.Mode == ClaudeCodeChatMode.Session ? services.GetRequiredService<ClaudeSessionPool>() : null,
            options.Mode == ClaudeCodeChatMode.OneShot ? services.GetRequiredService<IClaudeClient>() : null,
            services.GetService<ILoggerFactory>());
    }
}
