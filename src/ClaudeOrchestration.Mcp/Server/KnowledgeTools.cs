using System.ComponentModel;
using System.Globalization;
using System.Text;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>The knowledge base tools on top of <see cref="IKnowledgeBase"/>.</summary>
internal sealed class KnowledgeTools(
    IKnowledgeBase knowledge,
    ResourceSubscriptions subscriptions,
    IOptionsMonitor<ClaudeOrchestrationMcpOptions> options)
{
    [McpServerTool(Name = ClaudeOrchestrationMcpNames.RagQuery, Title = "Search the knowledge base",
        ReadOnly = true, Idempotent = true, UseStructuredContent = true, OutputSchemaType = typeof(RagQueryResult))]
    [Description("Searches the knowledge base and returns the most relevant chunks, best first, with their documents and scores.")]
    public async Task<CallToolResult> RagQueryAsync(
        [Description("What to look for, in plain words or exact terms.")] string query,
        [Description("How many chunks to return (1 to the server's limit). Default 5.")] int top_k = 5,
        [Description("The least similarity (-1 to 1) a chunk needs to be returned; omit to return the best top_k whatever their score.")] double? threshold = null,
        [Description("Metadata conditions: project, document_id, source_path, tags (all must hold).")] RagQueryFilters? filters = null,
        CancellationToken cancellationToken = default)
    {
        var limits = options.CurrentValue;
        ToolArguments.RequireText(query, nameof(query), limits.MaxArgumentCharacters);
        if (top_k < 1 || top_k > limits.MaxQueryResults)
        {
            throw new McpException($"'top_k' must be between 1 and {limits.MaxQueryResults}; got {top_k}.");
        }

        if (threshold is { } t && (double.IsNaN(t) || t < -1 || t > 1))
        {
            throw new McpException($"'threshold' must be between -1 and 1; got {t.ToString(CultureInfo.InvariantCulture)}.");
        }

        var filter = filters is null ? null : new KnowledgeFilter
        {
            Project = filters.Project,
            DocumentId = filters.DocumentId,
            SourcePath = filters.SourcePath,
            Tags = filters.Tags,
        };

        IReadOnlyList<KnowledgeSearchResult> found;
        try
        {
            found = await knowledge.SearchAsync(query, new KnowledgeSearchOptions { Top = top_k, MinScore = threshold, Filter = filter }, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new McpException(ToolArguments.Safe(ex.Message), ex);
        }

        // One pass over the hits builds both halves of the result; the text repeats each chunk in full because the MCP
        // spec asks for the structured content's data in a text block too (clients that ignore structuredContent read this).
        var hits = new RagQueryHit[found.Count];
        var textLength = 32 + query.Length;
        for (var i = 0; i < hits.Length; i++)
        {
            var r = found[i];
            textLength += 64 + r.Text.Length + (r.Title ?? r.DocumentId).Length;
            hits[i] = new RagQueryHit
            {
                DocumentId = r.DocumentId,
                ChunkIndex = r.ChunkIndex,
                Score = r.Score,
                Text = r.Text,
                Title = r.Title,
                Project = r.Project,
                SourcePath = r.SourcePath,
                Tags = r.Tags,
            };
        }

        var text = new StringBuilder(textLength);
        text.Append(CultureInfo.InvariantCulture, $"{hits.Length} result(s) for \"{query}\".");
        for (var i = 0; i < hits.Length; i++)
        {
            var hit = hits[i];
            text.Append(CultureInfo.InvariantCulture, $"\n\n{i + 1}. {hit.Title ?? hit.DocumentId} (chunk {hit.ChunkIndex}, score {hit.Score:0.000})\n{hit.Text}");
        }

        return ToolArguments.Result(text.ToString(), new RagQueryResult { Query = query, Count = hits.Length, Results = hits }, McpContractsJsonContext.Default.RagQueryResult);
    }

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.KnowledgeAdd, Title = "Add a document to the knowledge base",
        Idempotent = true, UseStructuredContent = true, OutputSchemaType = typeof(KnowledgeAddResult))]
    [Description("Adds a document to the knowledge base, or replaces the stored one with the same id; adding unchanged text writes nothing.")]
    public async Task<CallToolResult> KnowledgeAddAsync(
        [Description("The document's text.")] string text,
        [Description("The document's id; omitted, the source path or a hash of the text is used.")] string? document_id = null,
        [Description("A human-readable title.")] string? title = null,
        [Description("The project it belongs to, for filtering.")] string? project = null,
        [Description("Where it came from (a file path, a URL).")] string? source_path = null,
        [Description("Tags, for filtering.")] IReadOnlyList<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var limits = options.CurrentValue;
        var document = new KnowledgeDocument
        {
            Text = ToolArguments.RequireText(text, nameof(text), limits.MaxArgumentCharacters),
            Id = ToolArguments.OptionalText(document_id, nameof(document_id), 1000),
            Title = ToolArguments.OptionalText(title, nameof(title), 1000),
            Project = ToolArguments.OptionalText(project, nameof(project), 1000),
            SourcePath = ToolArguments.OptionalText(source_path, nameof(source_path), 4096),
            Tags = [.. (tags ?? []).Select((tag, i) => ToolArguments.RequireText(tag, $"tags[{i}]", 200))],
        };

        KnowledgeWriteResult written;
        try
        {
            written = await knowledge.AddOrUpdateAsync(document, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new McpException(ToolArguments.Safe(ex.Message), ex);
        }

        if (written.Status != KnowledgeWriteStatus.Unchanged)
        {
            await subscriptions.NotifyUpdatedAsync(ClaudeOrchestrationMcpNames.KnowledgeUri, cancellationToken).ConfigureAwait(false);
        }

        var result = new KnowledgeAddResult { DocumentId = written.DocumentId, Status = written.Status.ToString(), ChunkCount = written.ChunkCount };
        return ToolArguments.Result(
            $"{written.Status}: document '{written.DocumentId}' ({written.ChunkCount} chunk(s)).",
            result,
            McpContractsJsonContext.Default.KnowledgeAddResult);
    }
}
