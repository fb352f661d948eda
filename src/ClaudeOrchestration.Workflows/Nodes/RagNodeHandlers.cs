using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Workflows.Definitions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Workflows.Nodes;

/// <summary>
/// Runs a <c>rag_query</c> node: searches the knowledge base (<see cref="IKnowledgeBase"/>), or, when
/// <c>contextId</c> is set, assembles an agent context's relevant memory (<see cref="IContextManager"/>).
/// </summary>
/// <remarks>
/// Inputs: <c>query</c> (required), <c>top</c>, <c>minScore</c>, <c>hybrid</c>, <c>contextId</c>. Outputs: <c>results</c>
/// (documentId, chunkIndex, text, score, title, sourcePath), <c>text</c> (the results joined, for a prompt), <c>count</c>.
/// </remarks>
public sealed class RagQueryNodeHandler : WorkflowNodeHandler
{
    internal static readonly IReadOnlyList<WorkflowNodeInput> InputSpecs =
    [
        WorkflowNodeInput.Require("query", WorkflowValueType.String),
        WorkflowNodeInput.Optional("top", WorkflowValueType.Integer),
        WorkflowNodeInput.Optional("minScore", WorkflowValueType.Number),
        WorkflowNodeInput.Optional("hybrid", WorkflowValueType.Boolean),
        WorkflowNodeInput.Optional("contextId", WorkflowValueType.String),
    ];

    /// <inheritdoc />
    public override string NodeType => WorkflowNodeTypes.RagQuery;

    /// <inheritdoc />
    public override IReadOnlyList<WorkflowNodeInput> Inputs => InputSpecs;

    /// <inheritdoc />
    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.GetRequiredString("query");
        if (context.GetString("contextId") is { } contextId)
        {
            var contexts = context.Services.GetService<IContextManager>()
                ?? throw new WorkflowNodeException($"Node '{context.NodePath}' needs an IContextManager; call AddRag().") { Transient = false };
            var relevant = await contexts.GetRelevantContextAsync(contextId, query, cancellationToken).ConfigureAwait(false);
            return WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                ["text"] = relevant.Text,
                ["count"] = 1,
                ["results"] = new JsonArray(),
            });
        }

        var knowledge = context.Services.GetService<IKnowledgeBase>()
            ?? throw new WorkflowNodeException($"Node '{context.NodePath}' needs an IKnowledgeBase; call AddRag().") { Transient = false };
        var results = await knowledge.SearchAsync(query, new KnowledgeSearchOptions
        {
            Top = context.GetInt32("top") ?? 5,
            MinScore = (double?)context.GetDecimal("minScore"),
            Hybrid = context.GetBoolean("hybrid") ?? false,
        }, cancellationToken).ConfigureAwait(false);
        var list = new JsonArray();
        foreach (var result in results)
        {
            list.Add((JsonNode)new JsonObject
            {
                ["documentId"] = result.DocumentId,
                ["chunkIndex"] = result.ChunkIndex,
                ["text"] = result.Text,
                ["score"] = result.Score,
                ["title"] = result.Title,
                ["sourcePath"] = result.SourcePath,
            });
        }

        return WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["results"] = list,
            ["text"] = string.Join("\n\n---\n\n", results.Select(r => r.Text)),
            ["count"] = results.Count,
        });
    }
}

/// <summary>
/// Runs a <c>context_update</c> node: records a fact (<c>fact</c>) and/or a conversation turn (<c>role</c> +
/// <c>content</c>) in an agent context of the RAG package, creating the context when it does not exist.
/// </summary>
/// <remarks>Inputs: <c>contextId</c> (required), <c>fact</c>, <c>role</c> (user, assistant, system), <c>content</c>. Outputs: <c>contextId</c>, <c>turns</c>, <c>memories</c>.</remarks>
public sealed class ContextUpdateNodeHandler : WorkflowNodeHandler
{
    internal static readonly IReadOnlyList<WorkflowNodeInput> InputSpecs =
    [
        WorkflowNodeInput.Require("contextId", WorkflowValueType.String),
        WorkflowNodeInput.Optional("fact", WorkflowValueType.String),
        WorkflowNodeInput.Optional("role", WorkflowValueType.String),
        WorkflowNodeInput.Optional("content", WorkflowValueType.String),
    ];

    /// <inheritdoc />
    public override string NodeType => WorkflowNodeTypes.ContextUpdate;

    /// <inheritdoc />
    public override IReadOnlyList<WorkflowNodeInput> Inputs => InputSpecs;

    /// <inheritdoc />
    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var contexts = context.Services.GetService<IContextManager>()
            ?? throw new WorkflowNodeException($"Node '{context.NodePath}' needs an IContextManager; call AddRag().") { Transient = false };
        var contextId = context.GetRequiredString("contextId");
        var fact = context.GetString("fact");
        var content = context.GetString("content");
        if (fact is null && content is null)
        {
            throw new WorkflowNodeException($"Node '{context.NodePath}' sets neither 'fact' nor 'content'; there is nothing to record.") { Transient = false };
        }

        if (await contexts.GetContextAsync(contextId, cancellationToken).ConfigureAwait(false) is null)
        {
            await contexts.CreateContextAsync(contextId, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        AgentContext? updated = null;
        if (fact is not null)
        {
            updated = await contexts.RememberAsync(contextId, fact, cancellationToken).ConfigureAwait(false);
        }

        if (content is not null)
        {
            var role = (context.GetString("role") ?? "user").ToLowerInvariant() switch
            {
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "system" => ChatRole.System,
                var other => throw new WorkflowNodeException($"Node '{context.NodePath}': role '{other}' must be user, assistant or system.") { Transient = false },
            };
            updated = await contexts.AddTurnAsync(contextId, role, content, cancellationToken).ConfigureAwait(false);
        }

        return WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["contextId"] = contextId,
            ["turns"] = updated!.History.Count,
            ["memories"] = updated.Memory.Count,
        });
    }
}
