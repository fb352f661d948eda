using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelContextProtocol;

namespace ClaudeOrchestration.Mcp.Server;

// The wire shapes of the suite's MCP tools and resources: snake_case, source-generated, and the source of each tool's
// input and output schema. Internal: clients see them only as JSON.

/// <summary>What an agent tool (<c>code_generation</c>, <c>code_review</c>, <c>delegate_task</c>) returns.</summary>
internal sealed class AgentTaskResult
{
    [Description("The task's id (also its id in the client's task registry).")]
    public required string TaskId { get; init; }

    [Description("The kind of task: CodeGeneration, CodeReview, FileOperation, GitOperation, TestExecution, Documentation or Debugging.")]
    public required string TaskType { get; init; }

    [Description("Succeeded; failures come back as tool errors.")]
    public required string Status { get; init; }

    [Description("The agent's final answer (or what the task type's post-processor made of it).")]
    public string? Output { get; init; }

    [Description("The directory the agent worked in.")]
    public string? WorkingDirectory { get; init; }

    [Description("The Claude Code session id; resume it with `claude --resume`.")]
    public string? SessionId { get; init; }

    [Description("How many turns the agent took.")]
    public int Turns { get; init; }

    [Description("Cost in US dollars as reported by the CLI.")]
    public decimal CostUsd { get; init; }

    [Description("Input tokens used.")]
    public long InputTokens { get; init; }

    [Description("Output tokens used.")]
    public long OutputTokens { get; init; }

    [Description("Wall time of the agent run in milliseconds.")]
    public long DurationMs { get; init; }
}

/// <summary>Optional metadata conditions of <c>rag_query</c>; every condition that is set must hold.</summary>
internal sealed class RagQueryFilters
{
    [Description("Only documents of this project.")]
    public string? Project { get; init; }

    [Description("Only this document.")]
    public string? DocumentId { get; init; }

    [Description("Only documents with this source path.")]
    public string? SourcePath { get; init; }

    [Description("Only documents that carry all of these tags.")]
    public IReadOnlyList<string>? Tags { get; init; }
}

/// <summary>What <c>rag_query</c> returns.</summary>
internal sealed class RagQueryResult
{
    [Description("The query as searched.")]
    public required string Query { get; init; }

    [Description("How many chunks were found.")]
    public required int Count { get; init; }

    [Description("The chunks, best first.")]
    public required IReadOnlyList<RagQueryHit> Results { get; init; }
}

/// <summary>One chunk found by <c>rag_query</c>.</summary>
internal sealed class RagQueryHit
{
    [Description("The chunk's document.")]
    public required string DocumentId { get; init; }

    [Description("Position of the chunk in its document.")]
    public required int ChunkIndex { get; init; }

    [Description("Ranking score, higher is better (cosine similarity).")]
    public required double Score { get; init; }

    [Description("The chunk's text.")]
    public required string Text { get; init; }

    [Description("The document's title, if any.")]
    public string? Title { get; init; }

    [Description("The document's project, if any.")]
    public string? Project { get; init; }

    [Description("Where the document came from, if known.")]
    public string? SourcePath { get; init; }

    [Description("The document's tags.")]
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>What <c>knowledge_add</c> returns.</summary>
internal sealed class KnowledgeAddResult
{
    [Description("The document's id (generated when none was given).")]
    public required string DocumentId { get; init; }

    [Description("Added, Updated or Unchanged.")]
    public required string Status { get; init; }

    [Description("How many chunks the document is stored as.")]
    public required int ChunkCount { get; init; }
}

/// <summary>The <c>context_data</c> argument of <c>context_update</c>.</summary>
internal sealed class ContextData
{
    [Description("What the agent is working on now.")]
    public string? WorkingContext { get; init; }

    [Description("The project the context works in (restricts its knowledge searches).")]
    public string? Project { get; init; }

    [Description("Background about the project: conventions, architecture, constraints.")]
    public string? ProjectContext { get; init; }

    [Description("Preferences as key/value pairs. With remove, the keys to remove (values are ignored).")]
    public IReadOnlyDictionary<string, string>? Preferences { get; init; }

    [Description("Facts to remember. With remove, facts to forget (exact text).")]
    public IReadOnlyList<string>? Memory { get; init; }
}

/// <summary>What <c>context_update</c> returns, and what the <c>context://sessions/{id}</c> resource holds.</summary>
internal sealed class ContextSnapshot
{
    [Description("The context's id.")]
    public required string SessionId { get; init; }

    [Description("The operation performed (add, update, remove); absent when read as a resource.")]
    public string? Operation { get; init; }

    [Description("Whether the context exists after the operation (false after removing the whole context).")]
    public required bool Exists { get; init; }

    [Description("The context's version: 1 when created, +1 per saved change.")]
    public long Version { get; init; }

    [Description("What the agent is working on now.")]
    public string? WorkingContext { get; init; }

    [Description("The context's project.")]
    public string? Project { get; init; }

    [Description("Background about the project.")]
    public string? ProjectContext { get; init; }

    [Description("Preferences.")]
    public IReadOnlyDictionary<string, string> Preferences { get; init; } = new Dictionary<string, string>();

    [Description("Short-term memory, oldest first.")]
    public IReadOnlyList<string> Memory { get; init; } = [];

    [Description("How many conversation turns the context keeps.")]
    public int HistoryTurns { get; init; }

    [Description("When the context was last changed.")]
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>The <c>context://sessions</c> resource.</summary>
internal sealed class ContextSessionList
{
    public required int Count { get; init; }

    public required IReadOnlyList<ContextSessionEntry> Sessions { get; init; }
}

/// <summary>One entry of <c>context://sessions</c>.</summary>
internal sealed class ContextSessionEntry
{
    public required string SessionId { get; init; }

    public required string Uri { get; init; }

    public long Version { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public int MemoryItems { get; init; }

    public int HistoryTurns { get; init; }
}

/// <summary>The <c>context://knowledge</c> resource.</summary>
internal sealed class KnowledgeOverview
{
    public required IReadOnlyList<KnowledgeCollectionInfo> Collections { get; init; }
}

/// <summary>One vector store collection in <c>context://knowledge</c>.</summary>
internal sealed class KnowledgeCollectionInfo
{
    public required string Name { get; init; }

    public required bool IsKnowledgeBase { get; init; }

    public int? Documents { get; init; }

    public int? Chunks { get; init; }

    public IReadOnlyList<string>? Projects { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AgentTaskResult))]
[JsonSerializable(typeof(RagQueryFilters))]
[JsonSerializable(typeof(RagQueryResult))]
[JsonSerializable(typeof(KnowledgeAddResult))]
[JsonSerializable(typeof(ContextData))]
[JsonSerializable(typeof(ContextSnapshot))]
[JsonSerializable(typeof(ContextSessionList))]
[JsonSerializable(typeof(KnowledgeOverview))]
[JsonSerializable(typeof(WorkflowRunInfo))]
[JsonSerializable(typeof(WorkflowRunList))]
[JsonSerializable(typeof(WorkflowDefinitionList))]
[JsonSerializable(typeof(JsonElement?))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(double?))]
internal sealed partial class McpContractsJsonContext : JsonSerializerContext
{
    // Lazy: a static initializer here could run before the generated Default is set.
    private static readonly Lazy<JsonSerializerOptions> LazyToolOptions = new(CreateToolOptions);

    /// <summary>The SDK's options with the suite's contracts first: what tools bind arguments and build schemas with.</summary>
    public static JsonSerializerOptions ToolSerializerOptions => LazyToolOptions.Value;

    private static JsonSerializerOptions CreateToolOptions()
    {
        // The generated metadata takes naming from the options it is used with, so these must repeat the context's settings
        // (the SDK's own types name their properties explicitly and are unaffected).
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.TypeInfoResolverChain.Insert(0, Default);
        options.MakeReadOnly();
        return options;
    }
}
