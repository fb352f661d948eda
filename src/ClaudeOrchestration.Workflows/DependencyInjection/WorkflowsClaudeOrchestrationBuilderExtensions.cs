using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag;
using ClaudeOrchestration.Workflows;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.DependencyInjection;
using ClaudeOrchestration.Workflows.Dify;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Nodes;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the workflow engine: <c>services.AddClaudeOrchestration().AddWorkflows(o =&gt; ...)</c>.</summary>
public static class WorkflowsClaudeOrchestrationBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IWorkflowEngine"/> (<see cref="WorkflowEngine"/>), the built-in node handlers
    /// (<c>claude_code</c>, <c>rag_query</c>, <c>context_update</c>, <c>dify</c>), the in-process <see cref="IWorkflowNodeDispatcher"/>,
    /// an <see cref="IWorkflowCatalog"/>, and the run store (SQLite <c>workflows.db</c> next to the RAG files, or in
    /// memory). <see cref="WorkflowEngineOptions"/> are validated when the host starts.
    /// </summary>
    /// <remarks>Every registration is <c>TryAdd</c>: register your own store or dispatcher and yours is used; calling twice registers nothing twice.</remarks>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configure">Sets options in code, applied after configuration binding.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddWorkflows(this IClaudeOrchestrationBuilder builder, Action<WorkflowEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<WorkflowEngineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        AddServices(builder.Services);
        return builder;
    }

    /// <summary>Registers the workflow engine like <see cref="AddWorkflows(IClaudeOrchestrationBuilder, Action{WorkflowEngineOptions}?)"/>, binding options from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configuration">The section holding the options (for example <c>ClaudeOrchestration:Workflows</c>).</param>
    /// <param name="configure">Sets options in code, applied after binding.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddWorkflows(this IClaudeOrchestrationBuilder builder, IConfiguration configuration, Action<WorkflowEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = builder.Services.AddOptions<WorkflowEngineOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        AddServices(builder.Services);
        return builder;
    }

    /// <summary>Registers a handler for a custom node type (for example <c>jira_ticket</c>); definitions may then use the type.</summary>
    /// <typeparam name="THandler">The handler; a singleton.</typeparam>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddWorkflowNodeHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IClaudeOrchestrationBuilder builder)
        where THandler : WorkflowNodeHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<WorkflowNodeHandler, THandler>());
        return builder;
    }

    /// <summary>Adds a definition to the catalog, so <c>subworkflow</c> nodes can name it.</summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="definition">The definition.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddWorkflowDefinition(this IClaudeOrchestrationBuilder builder, WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(definition);
        builder.Services.AddSingleton(new WorkflowDefinitionRegistration(definition));
        return builder;
    }

    /// <summary>
    /// Adds every <c>*.json</c> workflow definition in <paramref name="directory"/> to the catalog. The files are read and
    /// validated (against the registered node types) when the catalog is first resolved, at start-up: a missing directory
    /// or an invalid file fails start-up naming the file.
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="directory">The folder holding the definitions (relative paths are taken from the current directory).</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddWorkflowDefinitionsFromDirectory(this IClaudeOrchestrationBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        builder.Services.AddSingleton(new WorkflowDirectoryRegistration(Path.GetFullPath(directory)));
        return builder;
    }

    private static IEnumerable<WorkflowDefinition> LoadDirectory(string directory, IReadOnlyList<WorkflowNodeHandler> handlers)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"The workflow definitions folder '{directory}' does not exist; create it or fix the path given to AddWorkflowDefinitionsFromDirectory.");
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            WorkflowDefinition definition;
            try
            {
                // Synchronous on purpose: this runs once, inside the catalog's DI factory at start-up.
                definition = WorkflowDefinitionJson.Parse(File.ReadAllText(file), handlers);
            }
            catch (Exception ex) when (ex is WorkflowValidationException or System.Text.Json.JsonException)
            {
                throw new InvalidOperationException($"The workflow definition file '{file}' is invalid: {ex.Message}", ex);
            }

            yield return definition;
        }
    }

    /// <summary>
    /// Fails start-up, rather than the first run, when a catalog definition has a <c>dify</c> node whose client is not
    /// registered: no <c>client</c> input and no <c>AddDifyClient</c>, or a literal <c>client</c> that no
    /// <c>AddKeyedDifyClient</c> registered. A <c>client</c> given by a <c>${...}</c> reference is checked when the node runs.
    /// </summary>
    private static void CheckDifyClients(IEnumerable<WorkflowDefinition> definitions, IServiceProvider services)
    {
        var registered = services.GetService<IServiceProviderIsService>();
        if (registered is null)
        {
            return;
        }

        var problems = new List<string>();
        foreach (var definition in definitions)
        {
            foreach (var (node, path) in Flatten(definition.Nodes, null))
            {
                if (!string.Equals(node.Type, WorkflowNodeTypes.Dify, StringComparison.Ordinal))
                {
                    continue;
                }

                var client = node.Inputs.TryGetValue("client", out var value) && value is JsonValue json && json.TryGetValue<string>(out var name) ? name : null;
                if (client is null && !registered.IsService(typeof(IDifyClient)))
                {
                    problems.Add($"node '{path}' of workflow '{definition.Name}' runs a Dify workflow, but no IDifyClient is registered; call services.AddDifyClient(...) or give the node a 'client'.");
                }
                else if (client is not null && !client.Contains("${", StringComparison.Ordinal)
                    && (registered as IServiceProviderIsKeyedService)?.IsKeyedService(typeof(IDifyClient), client) != true)
                {
                    problems.Add($"node '{path}' of workflow '{definition.Name}' names the Dify client '{client}', but none is registered under that key; call services.AddKeyedDifyClient(\"{client}\", ...).");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The workflow catalog cannot run as registered: " + string.Join(" ", problems));
        }

        static IEnumerable<(WorkflowNodeDefinition Node, string Path)> Flatten(IReadOnlyList<WorkflowNodeDefinition> nodes, string? parent)
        {
            foreach (var node in nodes)
            {
                var path = WorkflowValidator.Join(parent, node.Id);
                yield return (node, path);
                foreach (var child in Flatten(node.Nodes, path))
                {
                    yield return child;
                }
            }
        }
    }

    private static void AddServices(IServiceCollection services)
    {
        services.AddOptions<WorkflowEngineOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkflowEngineOptions>, WorkflowEngineOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<WorkflowNodeHandler, ClaudeCodeNodeHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<WorkflowNodeHandler, RagQueryNodeHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<WorkflowNodeHandler, ContextUpdateNodeHandler>());
        // Always, like rag_query: a definition validates the same on every host, and the handler resolves the (keyed)
        // IDifyClient when a node runs, so AddDifyClient may come before or after AddWorkflows.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<WorkflowNodeHandler, DifyNodeHandler>());
        services.TryAddSingleton<IWorkflowNodeDispatcher>(sp => new LocalWorkflowNodeDispatcher(sp.GetServices<WorkflowNodeHandler>()));
        services.TryAddSingleton<IWorkflowCatalog>(sp =>
        {
            var catalog = new InMemoryWorkflowCatalog();
            var handlers = sp.GetServices<WorkflowNodeHandler>().ToList();
            foreach (var definition in sp.GetServices<WorkflowDirectoryRegistration>().SelectMany(d => LoadDirectory(d.Directory, handlers)))
            {
                catalog.Add(definition);
            }

            foreach (var registration in sp.GetServices<WorkflowDefinitionRegistration>())
            {
                catalog.Add(registration.Definition);
            }

            CheckDifyClients(catalog.Definitions, sp);
            return catalog;
        });
        services.TryAddSingleton<IWorkflowRunStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WorkflowEngineOptions>>().Value;
            if (options.Storage == WorkflowStorage.InMemory)
            {
                return new InMemoryWorkflowRunStore();
            }

            var path = options.DatabasePath;
            if (string.IsNullOrWhiteSpace(path))
            {
                var rag = sp.GetService<IOptions<RagOptions>>()?.Value ?? new RagOptions();
                path = Path.Combine(rag.ResolveDataDirectory(), "workflows.db");
            }

            return new SqliteWorkflowRunStore(path);
        });
        services.TryAddSingleton(sp => new WorkflowEngine(
            sp.GetRequiredService<IWorkflowRunStore>(),
            sp.GetServices<WorkflowNodeHandler>(),
            sp.GetRequiredService<IOptions<WorkflowEngineOptions>>(),
            sp,
            sp.GetRequiredService<IWorkflowNodeDispatcher>(),
            sp.GetRequiredService<IWorkflowCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<WorkflowEngine>>()));
        services.TryAddSingleton<IWorkflowEngine>(sp => sp.GetRequiredService<WorkflowEngine>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WorkflowEngineHostedService>());
    }
}
