using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ClaudeOrchestration;
using ClaudeOrchestration.Mcp.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Contributes the suite's tools, resources and prompts to a host's MCP server:
/// <c>services.AddMcpServer().WithStdioServerTransport().WithClaudeOrchestrationTools()</c>. The host owns the server and
/// its transport; this only adds primitives.
/// </summary>
public static class ClaudeOrchestrationMcpServerBuilderExtensions
{
    /// <summary>
    /// Adds the suite's tools (agent tools, <c>rag_query</c>, <c>knowledge_add</c>, <c>context_update</c>, the workflow
    /// tools), resources (<c>context://sessions</c>, <c>context://sessions/{id}</c>, <c>context://knowledge</c>,
    /// <c>workflow://runs</c>, <c>workflow://runs/{runId}</c>, <c>workflow://definitions</c>, with subscriptions) and the
    /// task-template prompts, as chosen by <see cref="ClaudeOrchestrationMcpOptions.Features"/>. The services behind them come
    /// from <c>AddClaudeOrchestration()</c> (agent tools), <c>.AddRag()</c> (knowledge and contexts) and <c>.AddWorkflows()</c>
    /// (workflows); a group whose
    /// services are missing fails at start-up with a message naming the call to add. Options are validated at start-up.
    /// </summary>
    /// <param name="builder">The host's MCP server builder from <c>AddMcpServer()</c>.</param>
    /// <param name="configure">Changes the options after configuration is bound (section <c>ClaudeOrchestration:Mcp</c> when given to the other overload).</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithClaudeOrchestrationTools(this IMcpServerBuilder builder, Action<ClaudeOrchestrationMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ClaudeOrchestrationMcpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(builder);
    }

    /// <summary>
    /// Adds the suite's tools, resources and prompts like <see cref="WithClaudeOrchestrationTools(IMcpServerBuilder, Action{ClaudeOrchestrationMcpOptions}?)"/>,
    /// binding the options from <paramref name="configuration"/> (e.g. <c>configuration.GetSection("ClaudeOrchestration:Mcp")</c>).
    /// </summary>
    /// <param name="builder">The host's MCP server builder from <c>AddMcpServer()</c>.</param>
    /// <param name="configuration">The section to bind <see cref="ClaudeOrchestrationMcpOptions"/> from.</param>
    /// <param name="configure">Changes the options after binding.</param>
    /// <returns>The builder, for chaining.</returns>
    [RequiresUnreferencedCode("Binds ClaudeOrchestrationMcpOptions from configuration by reflection.")]
    [RequiresDynamicCode("Binds ClaudeOrchestrationMcpOptions from configuration by reflection.")]
    public static IMcpServerBuilder WithClaudeOrchestrationTools(this IMcpServerBuilder builder, IConfiguration configuration, Action<ClaudeOrchestrationMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = builder.Services.AddOptions<ClaudeOrchestrationMcpOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(builder);
    }

    private static IMcpServerBuilder AddCore(IMcpServerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClaudeOrchestrationMcpOptions>().ValidateOnStart();
        services.AddOptions<ClaudeOrchestrationOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeOrchestrationMcpOptions>, ClaudeOrchestrationMcpOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeOrchestrationMcpOptions>, RequiredServicesValidator>());
        services.TryAddSingleton<ResourceSubscriptions>();

        if (services.Any(d => d.ServiceType == typeof(ClaudeOrchestrationMcpMarker)))
        {
            return builder;
        }

        services.AddSingleton<ClaudeOrchestrationMcpMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<McpServerOptions>, ClaudeOrchestrationMcpServerSetup>());
        builder.WithSubscribeToResourcesHandler((context, cancellationToken) =>
            context.Services!.GetRequiredService<ResourceSubscriptions>().SubscribeAsync(context, cancellationToken));
        builder.WithUnsubscribeFromResourcesHandler((context, cancellationToken) =>
            context.Services!.GetRequiredService<ResourceSubscriptions>().UnsubscribeAsync(context, cancellationToken));
        return builder;
    }
}

/// <summary>Marks that the suite's primitives were added, so a second call adds nothing twice.</summary>
internal sealed class ClaudeOrchestrationMcpMarker;

/// <summary>
/// Adds the chosen groups to the host's <see cref="McpServerOptions"/> once the options are known (so configuration picks
/// the groups). A name the host already registered wins: the host's own tool of the same name is kept.
/// </summary>
internal sealed class ClaudeOrchestrationMcpServerSetup(IServiceProvider services, IOptions<ClaudeOrchestrationMcpOptions> options)
    : IConfigureOptions<McpServerOptions>
{
    public void Configure(McpServerOptions serverOptions)
    {
        var features = options.Value.Features;
        var tools = serverOptions.ToolCollection ??= [];
        var resources = serverOptions.ResourceCollection ??= [];
        var prompts = serverOptions.PromptCollection ??= [];

        if (features.HasFlag(ClaudeOrchestrationMcpFeatures.Delegation))
        {
            AddTools<AgentTools>(tools);
            foreach (var prompt in TaskPrompts.Create())
            {
                prompts.TryAdd(prompt);
            }
        }

        if (features.HasFlag(ClaudeOrchestrationMcpFeatures.Knowledge))
        {
            AddTools<KnowledgeTools>(tools);
            AddResource<ContextResources>(resources, nameof(ContextResources.KnowledgeAsync));
        }

        if (features.HasFlag(ClaudeOrchestrationMcpFeatures.Contexts))
        {
            AddTools<ContextTools>(tools);
            AddResource<ContextResources>(resources, nameof(ContextResources.SessionsAsync));
            AddResource<ContextResources>(resources, nameof(ContextResources.SessionAsync));
        }

        if (features.HasFlag(ClaudeOrchestrationMcpFeatures.Workflows))
        {
            AddTools<WorkflowTools>(tools);
            AddResource<WorkflowResources>(resources, nameof(WorkflowResources.RunsAsync));
            AddResource<WorkflowResources>(resources, nameof(WorkflowResources.RunAsync));
            AddResource<WorkflowResources>(resources, nameof(WorkflowResources.DefinitionsAsync));
        }
    }

    private void AddTools<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        McpServerPrimitiveCollection<McpServerTool> tools)
        where T : class
    {
        // The constructor is looked up once here, not by reflection on every call (ActivatorUtilities.CreateInstance would).
        var create = ActivatorUtilities.CreateFactory<T>([]);
        foreach (var method in typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<McpServerToolAttribute>() is null)
            {
                continue;
            }

            // One instance per call, built from the request's services (constructor injection, no captured scope).
            tools.TryAdd(McpServerTool.Create(
                method,
                context => create(context.Services ?? throw new InvalidOperationException("The MCP request has no services."), null),
                new McpServerToolCreateOptions { Services = services, SerializerOptions = McpContractsJsonContext.ToolSerializerOptions }));
        }
    }

    private void AddResource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        McpServerPrimitiveCollection<McpServerResource> resources, string methodName)
        where T : class
    {
        var method = typeof(T).GetMethod(methodName, BindingFlags.Public | BindingFlags.Instance)!;
        resources.TryAdd(McpServerResource.Create(
            method,
            static context => ActivatorUtilities.CreateInstance<T>(context.Services ?? throw new InvalidOperationException("The MCP request has no services.")),
            new McpServerResourceCreateOptions { Services = services }));
    }
}

/// <summary>Fails start-up, with the call to add, when a chosen group's services are not registered.</summary>
internal sealed class RequiredServicesValidator(IServiceProvider services) : IValidateOptions<ClaudeOrchestrationMcpOptions>
{
    public ValidateOptionsResult Validate(string? name, ClaudeOrchestrationMcpOptions options)
    {
        var check = services.GetService<IServiceProviderIsService>();
        if (check is null)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (options.Features.HasFlag(ClaudeOrchestrationMcpFeatures.Delegation) && !check.IsService(typeof(ClaudeOrchestration.Delegation.IClaudeTaskDelegator)))
        {
            failures.Add("The MCP Delegation tools need services.AddClaudeOrchestration(); add it or leave Delegation out of ClaudeOrchestration:Mcp:Features.");
        }

        if (options.Features.HasFlag(ClaudeOrchestrationMcpFeatures.Knowledge) && !check.IsService(typeof(ClaudeOrchestration.Rag.Knowledge.IKnowledgeBase)))
        {
            failures.Add("The MCP Knowledge tools need services.AddClaudeOrchestration().AddRag(); add it or leave Knowledge out of ClaudeOrchestration:Mcp:Features.");
        }

        if (options.Features.HasFlag(ClaudeOrchestrationMcpFeatures.Contexts) && !check.IsService(typeof(ClaudeOrchestration.Rag.Context.IContextManager)))
        {
            failures.Add("The MCP Contexts tools need services.AddClaudeOrchestration().AddRag(); add it or leave Contexts out of ClaudeOrchestration:Mcp:Features.");
        }

        if (options.Features.HasFlag(ClaudeOrchestrationMcpFeatures.Workflows) && !check.IsService(typeof(ClaudeOrchestration.Workflows.Execution.IWorkflowEngine)))
        {
            failures.Add("The MCP Workflows tools need services.AddClaudeOrchestration().AddWorkflows(); add it or leave Workflows out of ClaudeOrchestration:Mcp:Features.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
