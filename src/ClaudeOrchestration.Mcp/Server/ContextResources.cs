using System.ComponentModel;
using System.Text.Json;
using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>The resources: agent contexts and the knowledge base, as JSON.</summary>
internal sealed class ContextResources(IServiceProvider services)
{
    private const string Json = "application/json";

    [McpServerResource(UriTemplate = ClaudeOrchestrationMcpNames.SessionsUri, Name = "sessions", Title = "Agent contexts", MimeType = Json)]
    [Description("The agent contexts: id, version, last change, memory and history sizes. Subscribe to hear of new and removed contexts.")]
    public async Task<TextResourceContents> SessionsAsync(CancellationToken cancellationToken)
    {
        var contexts = services.GetRequiredService<IContextManager>();
        var entries = new List<ContextSessionEntry>();
        foreach (var id in await contexts.ListContextIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            // Statistics do not count as an access, so listing does not keep idle contexts alive.
            if (await contexts.GetStatisticsAsync(id, cancellationToken).ConfigureAwait(false) is { } stats)
            {
                entries.Add(new ContextSessionEntry
                {
                    SessionId = id,
                    Uri = ClaudeOrchestrationMcpNames.SessionUri(id),
                    Version = stats.Version,
                    UpdatedAt = stats.UpdatedAt,
                    MemoryItems = stats.MemoryItems,
                    HistoryTurns = stats.HistoryTurns,
                });
            }
        }

        var list = new ContextSessionList { Count = entries.Count, Sessions = entries };
        return Text(ClaudeOrchestrationMcpNames.SessionsUri, JsonSerializer.Serialize(list, McpContractsJsonContext.Default.ContextSessionList));
    }

    [McpServerResource(UriTemplate = ClaudeOrchestrationMcpNames.SessionUriTemplate, Name = "session", Title = "Agent context", MimeType = Json)]
    [Description("One agent context: working context, project, preferences, memory. Subscribe to hear when it changes.")]
    public async Task<TextResourceContents> SessionAsync([Description("The context's id.")] string id, CancellationToken cancellationToken)
    {
        var contextId = Uri.UnescapeDataString(id);
        var uri = ClaudeOrchestrationMcpNames.SessionUri(contextId);
        var context = await services.GetRequiredService<IContextManager>().GetContextAsync(contextId, cancellationToken).ConfigureAwait(false)
            ?? throw new McpProtocolException($"There is no context '{contextId}' ({uri}).", McpErrorCode.ResourceNotFound);
        return Text(uri, JsonSerializer.Serialize(Snapshot(context, null), McpContractsJsonContext.Default.ContextSnapshot));
    }

    [McpServerResource(UriTemplate = ClaudeOrchestrationMcpNames.KnowledgeUri, Name = "knowledge", Title = "Knowledge base", MimeType = Json)]
    [Description("The knowledge base's collections with their document and chunk counts and projects. Subscribe to hear when documents are added.")]
    public async Task<TextResourceContents> KnowledgeAsync(CancellationToken cancellationToken)
    {
        var collections = new List<KnowledgeCollectionInfo>();
        var knowledge = services.GetService<VectorStoreCollection<string, KnowledgeChunkRecord>>();
        if (knowledge is not null)
        {
            var documents = new HashSet<string>(StringComparer.Ordinal);
            var projects = new SortedSet<string>(StringComparer.Ordinal);
            var chunks = 0;
            if (await knowledge.CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                // Counting reads every record once; the knowledge base keeps no separate count that could drift.
                await foreach (var record in knowledge.GetAsync(_ => true, int.MaxValue, null, cancellationToken).ConfigureAwait(false))
                {
                    chunks++;
                    documents.Add(record.DocumentId);
                    if (record.Project is { } project)
                    {
                        projects.Add(project);
                    }
                }
            }

            collections.Add(new KnowledgeCollectionInfo { Name = knowledge.Name, IsKnowledgeBase = true, Documents = documents.Count, Chunks = chunks, Projects = [.. projects] });
        }

        if (services.GetService<VectorStore>() is { } store)
        {
            await foreach (var name in store.ListCollectionNamesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (knowledge is null || !string.Equals(name, knowledge.Name, StringComparison.Ordinal))
                {
                    collections.Add(new KnowledgeCollectionInfo { Name = name, IsKnowledgeBase = false });
                }
            }
        }

        var overview = new KnowledgeOverview { Collections = collections };
        return Text(ClaudeOrchestrationMcpNames.KnowledgeUri, JsonSerializer.Serialize(overview, McpContractsJsonContext.Default.KnowledgeOverview));
    }

    internal static ContextSnapshot Snapshot(AgentContext context, string? operation) => new()
    {
        SessionId = context.Id,
        Operation = operation,
        Exists = true,
        Version = context.Version,
        WorkingContext = context.WorkingContext,
        Project = context.Project,
        ProjectContext = context.ProjectContext,
        Preferences = new Dictionary<string, string>(context.Preferences, StringComparer.Ordinal),
        Memory = [.. context.Memory.Select(m => m.Text)],
        HistoryTurns = context.History.Count,
        UpdatedAt = context.UpdatedAt,
    };

    private static TextResourceContents Text(string uri, string json) => new() { Uri = uri, MimeType = Json, Text = json };
}
