using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>The parts an assembled context is made of, in the order they appear.</summary>
public enum ContextSectionKind
{
    /// <summary>The context's working context.</summary>
    WorkingContext,

    /// <summary>The context's project and project context.</summary>
    ProjectContext,

    /// <summary>The context's preferences.</summary>
    Preferences,

    /// <summary>Knowledge chunks relevant to the query.</summary>
    Knowledge,

    /// <summary>Short-term memory items relevant to the query.</summary>
    Memory,

    /// <summary>The most recent conversation turns, oldest first.</summary>
    History,
}

/// <summary>One part of an assembled context.</summary>
public sealed class ContextSection
{
    /// <summary>What the section holds.</summary>
    public required ContextSectionKind Kind { get; init; }

    /// <summary>The section as rendered into <see cref="RelevantContext.Text"/>, heading included.</summary>
    public required string Text { get; init; }

    /// <summary>How many items (turns, chunks, memories, preferences) the section holds.</summary>
    public required int ItemCount { get; init; }

    /// <summary>How many of those items were shortened to fit the budget.</summary>
    public required int TruncatedItemCount { get; init; }
}

/// <summary>
/// Context assembled for one query of one context: working context, project, preferences, relevant knowledge, relevant
/// memory and recent conversation, highest priority first, within a token budget.
/// </summary>
public sealed class RelevantContext
{
    /// <summary>The context the context was assembled for.</summary>
    public required string ContextId { get; init; }

    /// <summary>The query it was assembled for.</summary>
    public required string Query { get; init; }

    /// <summary>The whole context as Markdown, ready to put in a prompt.</summary>
    public required string Text { get; init; }

    /// <summary>The tokens in <see cref="Text"/>, counted with the configured tokenizer; never more than <see cref="TokenBudget"/>.</summary>
    public required int TokenCount { get; init; }

    /// <summary>The budget the context was assembled within.</summary>
    public required int TokenBudget { get; init; }

    /// <summary>The sections, in the order they appear in <see cref="Text"/>; empty sections are left out.</summary>
    public required IReadOnlyList<ContextSection> Sections { get; init; }

    /// <summary>The knowledge chunks included, best first.</summary>
    public required IReadOnlyList<KnowledgeSearchResult> Knowledge { get; init; }

    /// <summary>How many candidate items (turns, chunks, memories, preferences) did not fit the budget.</summary>
    public required int OmittedItemCount { get; init; }

    /// <summary>The context version the context reflects.</summary>
    public required long ContextVersion { get; init; }
}
