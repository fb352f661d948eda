using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics.Tensors;
using ClaudeOrchestration.Rag.Diagnostics;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.Tokenizers;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// The default <see cref="IContextManager"/>: contexts in an <see cref="IAgentContextStore"/>, knowledge from an
/// <see cref="IKnowledgeBase"/>, memory ranked with an embedding generator, and tokens counted with a
/// Microsoft.ML.Tokenizers <see cref="Tokenizer"/> (by default <c>cl100k_base</c>, see <see cref="RagTokenizer"/>).
/// </summary>
/// <remarks>
/// <para>
/// Assembled context is XML-tagged text (Claude's recommended way to structure a prompt): <c>&lt;working_context&gt;</c>,
/// <c>&lt;project&gt;</c>, <c>&lt;preferences&gt;</c>, <c>&lt;knowledge&gt;</c>, <c>&lt;memory&gt;</c>, <c>&lt;conversation&gt;</c>.
/// Items are admitted in priority order — working context, project, preferences, the newest turns, knowledge by score,
/// memory by score, older turns — while they fit the budget; an item that does not fit is shortened when at least
/// 16 tokens remain, otherwise left out. The finished text is counted again and trimmed from the lowest priority until
/// it fits, so <see cref="RelevantContext.TokenCount"/> never exceeds the budget.
/// </para>
/// <para>
/// Thread-safe. Updates to one context are serialised in this process and guarded by the store's version check across
/// processes.
/// </para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The batching wrapper only borrows the caller's generator; disposing it would dispose a generator this type does not own.")]
public sealed class ContextManager : IContextManager
{
    private const int MaxUpdateAttempts = 16;
    private const int MaxContextIdLength = 256;

    private readonly IAgentContextStore _store;
    private readonly IKnowledgeBase? _knowledge;
    private readonly BatchingEmbeddingGenerator _embedder;
    private readonly ContextManagerOptions _options;
    private readonly Tokenizer _tokenizer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly KeyedAsyncLock _locks = new();
    private readonly ContextCache _cache;

    /// <summary>Creates a context manager.</summary>
    /// <param name="store">Where contexts live.</param>
    /// <param name="embeddingGenerator">Ranks memory items by similarity to the query; not disposed by the manager.</param>
    /// <param name="knowledgeBase">Where knowledge is searched; <see langword="null"/> assembles context without knowledge.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="tokenizer">Counts tokens; <see langword="null"/> for <see cref="RagTokenizer.Default"/>.</param>
    /// <param name="timeProvider">The clock for timestamps and idle expiry; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Logs conflicts, expiry and assembly figures (never content).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ContextManager(
        IAgentContextStore store,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        IKnowledgeBase? knowledgeBase = null,
        ContextManagerOptions? options = null,
        Tokenizer? tokenizer = null,
        TimeProvider? timeProvider = null,
        ILogger<ContextManager>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        _options = options ?? new ContextManagerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.DefaultTokenBudget, 1, "options.DefaultTokenBudget");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxHistoryTurns, "options.MaxHistoryTurns");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxMemoryItems, "options.MaxMemoryItems");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.PriorityRecentTurns, "options.PriorityRecentTurns");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxKnowledgeResults, "options.MaxKnowledgeResults");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.CacheCapacity, "options.CacheCapacity");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.IdleTimeout, TimeSpan.Zero, "options.IdleTimeout");
        _store = store;
        _knowledge = knowledgeBase;
        _embedder = new BatchingEmbeddingGenerator(embeddingGenerator);
        _tokenizer = tokenizer ?? RagTokenizer.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _cache = new ContextCache(_options.CacheCapacity);
    }

    /// <inheritdoc />
    public async Task<AgentContext> CreateContextAsync(
        string? contextId = null,
        Action<AgentContext>? initialize = null,
        CancellationToken cancellationToken = default)
    {
        var id = contextId ?? Guid.NewGuid().ToString("N");
        ValidateContextId(id);
        var context = new AgentContext { Id = id };
        initialize?.Invoke(context);
        var now = _timeProvider.GetUtcNow();
        context.Version = 1;
        context.CreatedAt = now;
        context.UpdatedAt = now;
        context.LastAccessedAt = now;
        context.AccessCount = 0;
        context.TotalTurns = 0;
        context.TotalTurnTokens = 0;
        Normalize(context, now);
        if (!await _store.TryCreateAsync(context, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"A context with id '{id}' already exists; pick another id, or change the existing context with UpdateContextAsync.");
        }

        return context;
    }

    /// <inheritdoc />
    public async Task<AgentContext?> GetContextAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ValidateContextId(contextId);
        if (!await _store.TouchAsync(contextId, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return await _store.GetAsync(contextId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<AgentContext> UpdateContextAsync(string contextId, Action<AgentContext> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return UpdateContextAsync(
            contextId,
            (context, _) =>
            {
                update(context);
                return ValueTask.CompletedTask;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AgentContext> UpdateContextAsync(
        string contextId,
        Func<AgentContext, CancellationToken, ValueTask> update,
        CancellationToken cancellationToken = default)
    {
        ValidateContextId(contextId);
        ArgumentNullException.ThrowIfNull(update);
        using (await _locks.AcquireAsync(contextId, cancellationToken).ConfigureAwait(false))
        {
            for (var attempt = 1; attempt <= MaxUpdateAttempts; attempt++)
            {
                var context = await _store.GetAsync(contextId, cancellationToken).ConfigureAwait(false)
                    ?? throw new AgentContextNotFoundException(contextId);
                var before = (context.Version, context.CreatedAt, context.AccessCount, context.TotalTurns, context.TotalTurnTokens);
                await update(context, cancellationToken).ConfigureAwait(false);

                // The bookkeeping is the manager's: whatever the delegate did to it is put back.
                var now = _timeProvider.GetUtcNow();
                context.Version = before.Version + 1;
                context.CreatedAt = before.CreatedAt;
                context.AccessCount = before.AccessCount;
                context.TotalTurns = before.TotalTurns;
                context.TotalTurnTokens = before.TotalTurnTokens;
                context.UpdatedAt = now;
                context.LastAccessedAt = now;
                Normalize(context, now);
                if (await _store.TryUpdateAsync(context, before.Version, cancellationToken).ConfigureAwait(false))
                {
                    _cache.RemoveContext(contextId);
                    return context;
                }

                Log.ContextUpdateConflict(_logger, contextId, before.Version);
            }
        }

        throw new InvalidOperationException(
            $"Context '{contextId}' kept changing under other writers; the update was attempted {MaxUpdateAttempts} times and not saved.");
    }

    /// <inheritdoc />
    public Task<AgentContext> AddTurnAsync(string contextId, ChatRole role, string content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return UpdateContextAsync(contextId, s => s.History.Add(new ConversationTurn { Role = role, Content = content }), cancellationToken);
    }

    /// <inheritdoc />
    public Task<AgentContext> RememberAsync(string contextId, string fact, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(fact))
        {
            throw new ArgumentException("The fact to remember is empty.", nameof(fact));
        }

        return UpdateContextAsync(contextId, s => s.Memory.Add(new MemoryItem { Text = fact }), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteContextAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ValidateContextId(contextId);
        using (await _locks.AcquireAsync(contextId, cancellationToken).ConfigureAwait(false))
        {
            var deleted = await _store.DeleteAsync(contextId, cancellationToken).ConfigureAwait(false);
            _cache.RemoveContext(contextId);
            return deleted;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListContextIdsAsync(CancellationToken cancellationToken = default) =>
        _store.ListIdsAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<AgentContextStatistics?> GetStatisticsAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ValidateContextId(contextId);
        var context = await _store.GetAsync(contextId, cancellationToken).ConfigureAwait(false);
        if (context is null)
        {
            return null;
        }

        var now = _timeProvider.GetUtcNow();
        return new AgentContextStatistics
        {
            ContextId = context.Id,
            CreatedAt = context.CreatedAt,
            UpdatedAt = context.UpdatedAt,
            LastAccessedAt = context.LastAccessedAt,
            IdleTime = now > context.LastAccessedAt ? now - context.LastAccessedAt : TimeSpan.Zero,
            Version = context.Version,
            AccessCount = context.AccessCount,
            TotalTurns = context.TotalTurns,
            TotalTurnTokens = context.TotalTurnTokens,
            HistoryTurns = context.History.Count,
            HistoryTokens = context.History.Sum(t => (long)(t.TokenCount ?? _tokenizer.CountTokens(t.Content))),
            MemoryItems = context.Memory.Count,
            Preferences = context.Preferences.Count,
        };
    }

    /// <inheritdoc />
    public Task<RelevantContext> GetRelevantContextAsync(string contextId, string query, CancellationToken cancellationToken = default) =>
        GetRelevantContextAsync(contextId, query, options: null, cancellationToken);

    /// <inheritdoc />
    public async Task<RelevantContext> GetRelevantContextAsync(
        string contextId,
        string query,
        ContextRequestOptions? options,
        CancellationToken cancellationToken = default)
    {
        ValidateContextId(contextId);
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("The query is empty; pass the task or question the context is for.", nameof(query));
        }

        var budget = options?.TokenBudget ?? _options.DefaultTokenBudget;
        if (budget < 1)
        {
            throw new ArgumentException($"ContextRequestOptions.TokenBudget is {budget}; it must be at least 1.", nameof(options));
        }

        var maxKnowledge = options?.MaxKnowledgeResults ?? _options.MaxKnowledgeResults;
        if (maxKnowledge < 0)
        {
            throw new ArgumentException($"ContextRequestOptions.MaxKnowledgeResults is {maxKnowledge}; it must not be negative.", nameof(options));
        }

        if (!await _store.TouchAsync(contextId, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new AgentContextNotFoundException(contextId);
        }

        var context = await _store.GetAsync(contextId, cancellationToken).ConfigureAwait(false)
            ?? throw new AgentContextNotFoundException(contextId);
        var filter = options?.KnowledgeFilter
            ?? (_options.RestrictKnowledgeToProject && context.Project is not null ? new KnowledgeFilter { Project = context.Project } : null);
        var key = new ContextCache.Key(contextId, query, OptionsKey(budget, maxKnowledge, filter));

        // Read before searching: a knowledge change during assembly leaves the entry stale, never wrongly fresh.
        var knowledgeVersion = await KnowledgeStamp.ReadAsync(_knowledge, cancellationToken).ConfigureAwait(false);
        if (_cache.TryGet(key, context.Version, knowledgeVersion, out var cached))
        {
            RagTelemetry.ContextRequests.Add(1, new KeyValuePair<string, object?>("cache", "hit"));
            return cached!;
        }

        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.context.assemble");
        var relevant = await AssembleAsync(context, query, budget, maxKnowledge, filter, cancellationToken).ConfigureAwait(false);
        _cache.Set(key, context.Version, knowledgeVersion, relevant);
        RagTelemetry.ContextRequests.Add(1, new KeyValuePair<string, object?>("cache", "miss"));
        RagTelemetry.ContextTokens.Record(relevant.TokenCount);
        Log.ContextAssembled(_logger, contextId, relevant.TokenCount, budget, relevant.OmittedItemCount);
        return relevant;
    }

    /// <inheritdoc />
    public async Task<int> ExpireIdleContextsAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = _timeProvider.GetUtcNow() - _options.IdleTimeout;
        var expired = await _store.DeleteIdleAsync(cutoff, cancellationToken).ConfigureAwait(false);
        foreach (var id in expired)
        {
            _cache.RemoveContext(id);
        }

        if (expired.Count > 0)
        {
            RagTelemetry.ContextsExpired.Add(expired.Count);
            Log.ContextsExpired(_logger, expired.Count, cutoff);
        }

        return expired.Count;
    }

    /// <summary>The number of cached contexts (for tests).</summary>
    internal int CachedContextCount => _cache.Count;

    private async Task<RelevantContext> AssembleAsync(
        AgentContext context,
        string query,
        int budget,
        int maxKnowledge,
        KnowledgeFilter? filter,
        CancellationToken cancellationToken)
    {
        // The list order is the priority order: the assembler admits from the front while the budget lasts.
        var candidates = new List<ContextCandidate>();
        void Add(ContextSectionKind kind, string text, int order, KnowledgeSearchResult? knowledge = null) =>
            candidates.Add(new ContextCandidate(kind, text, order, knowledge));

        if (!string.IsNullOrWhiteSpace(context.WorkingContext))
        {
            Add(ContextSectionKind.WorkingContext, context.WorkingContext.Trim() + "\n", 0);
        }

        if (context.Project is not null || !string.IsNullOrWhiteSpace(context.ProjectContext))
        {
            Add(ContextSectionKind.ProjectContext, string.IsNullOrWhiteSpace(context.ProjectContext) ? string.Empty : context.ProjectContext.Trim() + "\n", 0);
        }

        var preferenceOrder = 0;
        foreach (var (name, value) in context.Preferences.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Add(ContextSectionKind.Preferences, $"- {name}: {value}\n", preferenceOrder++);
        }

        var history = context.History;
        var recent = Math.Min(_options.PriorityRecentTurns, history.Count);
        for (var i = history.Count - 1; i >= history.Count - recent; i--)
        {
            Add(ContextSectionKind.History, RenderTurn(history[i]), i);
        }

        if (_knowledge is not null && maxKnowledge > 0)
        {
            var found = await _knowledge.SearchAsync(
                query,
                new KnowledgeSearchOptions
                {
                    Top = maxKnowledge,
                    MinScore = _options.MinKnowledgeScore,
                    Filter = filter,
                    Hybrid = _options.HybridKnowledgeSearch,
                },
                cancellationToken).ConfigureAwait(false);
            for (var rank = 0; rank < found.Count; rank++)
            {
                var hit = found[rank];
                var source = Escape(hit.SourcePath ?? hit.DocumentId);
                Add(ContextSectionKind.Knowledge, $"<chunk source=\"{source}\" index=\"{hit.ChunkIndex}\">\n{hit.Text}\n</chunk>\n", rank, hit);
            }
        }

        if (context.Memory.Count > 0)
        {
            var ranked = await RankMemoryAsync(query, context.Memory, cancellationToken).ConfigureAwait(false);
            for (var rank = 0; rank < ranked.Count; rank++)
            {
                Add(ContextSectionKind.Memory, $"- {ranked[rank].Text.Trim()}\n", rank);
            }
        }

        for (var i = history.Count - recent - 1; i >= 0; i--)
        {
            Add(ContextSectionKind.History, RenderTurn(history[i]), i);
        }

        var assembled = new ContextBudgetAssembler(_tokenizer).Assemble(candidates, context.Project, budget);
        return new RelevantContext
        {
            ContextId = context.Id,
            Query = query,
            Text = assembled.Text,
            TokenCount = assembled.TokenCount,
            TokenBudget = budget,
            Sections = assembled.Sections,
            Knowledge = assembled.Knowledge,
            OmittedItemCount = assembled.OmittedItemCount,
            ContextVersion = context.Version,
        };
    }

    private async Task<List<MemoryItem>> RankMemoryAsync(string query, List<MemoryItem> memory, CancellationToken cancellationToken)
    {
        var embeddings = await _embedder.GenerateAsync([query, .. memory.Select(m => m.Text)], null, cancellationToken).ConfigureAwait(false);
        var queryVector = embeddings[0].Vector;
        return [.. memory
            .Select((item, i) => (Item: item, Index: i, Score: TensorPrimitives.CosineSimilarity(queryVector.Span, embeddings[i + 1].Vector.Span)))
            .Where(m => m.Score >= _options.MinMemoryScore)
            .OrderByDescending(m => m.Score)
            .ThenByDescending(m => m.Index)
            .Select(m => m.Item)];
    }

    private static string RenderTurn(ConversationTurn turn) => $"{turn.Role.Value}: {turn.Content.Trim()}\n";

    internal static string Escape(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);

    private static string OptionsKey(int budget, int maxKnowledge, KnowledgeFilter? filter) =>
        filter is null
            ? string.Create(CultureInfo.InvariantCulture, $"{budget}|{maxKnowledge}")
            : string.Join(
                '\u001f',
                budget.ToString(CultureInfo.InvariantCulture),
                maxKnowledge.ToString(CultureInfo.InvariantCulture),
                filter.Project ?? "\0",
                filter.DocumentId ?? "\0",
                filter.SourcePath ?? "\0",
                string.Join('\u001e', filter.Tags ?? []));

    private void Normalize(AgentContext context, DateTimeOffset now)
    {
        if (context.History is null || context.Memory is null || context.Preferences is null)
        {
            throw new ArgumentException("A context's History, Memory and Preferences must not be null.", nameof(context));
        }

        foreach (var turn in context.History)
        {
            if (turn?.Content is null)
            {
                throw new ArgumentException("A context's history contains a null turn or a turn without content.", nameof(context));
            }

            if (turn.Timestamp == default)
            {
                turn.Timestamp = now;
            }

            if (turn.TokenCount is null)
            {
                // A turn without a count is new: count it once, for the running totals too.
                turn.TokenCount = _tokenizer.CountTokens(turn.Content);
                context.TotalTurns++;
                context.TotalTurnTokens += turn.TokenCount.Value;
            }
        }

        if (context.History.Count > _options.MaxHistoryTurns)
        {
            context.History.RemoveRange(0, context.History.Count - _options.MaxHistoryTurns);
        }

        foreach (var item in context.Memory)
        {
            if (string.IsNullOrWhiteSpace(item?.Text))
            {
                throw new ArgumentException("A context's memory contains a null or empty item.", nameof(context));
            }

            if (item.CreatedAt == default)
            {
                item.CreatedAt = now;
            }
        }

        if (context.Memory.Count > _options.MaxMemoryItems)
        {
            context.Memory.RemoveRange(0, context.Memory.Count - _options.MaxMemoryItems);
        }

        foreach (var (name, value) in context.Preferences)
        {
            if (string.IsNullOrWhiteSpace(name) || value is null)
            {
                throw new ArgumentException($"Preference '{name}' has an empty name or a null value.", nameof(context));
            }
        }
    }

    private static void ValidateContextId(string contextId)
    {
        ArgumentNullException.ThrowIfNull(contextId);
        if (string.IsNullOrWhiteSpace(contextId) || contextId.Length > MaxContextIdLength)
        {
            throw new ArgumentException($"A context id must be 1 to {MaxContextIdLength} characters and not only whitespace.", nameof(contextId));
        }
    }
}
