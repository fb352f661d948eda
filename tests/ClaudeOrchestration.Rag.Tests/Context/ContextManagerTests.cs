using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Rag.Tests.Context;

/// <summary>The context manager over the real stores (in-memory and SQLite) and the real knowledge base.</summary>
public sealed class ContextManagerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly List<StoreHarness> _harnesses = [];
    private readonly FakeTimeProvider _time = new(T0);

    public static TheoryData<StoreKind> Stores => [StoreKind.InMemory, StoreKind.Sqlite];

    public void Dispose()
    {
        foreach (var harness in _harnesses)
        {
            harness.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task CreateContextAsync_ThenGet_ReturnsTheStateAndRecordsTheAccess(StoreKind kind)
    {
        var (manager, _) = Create(kind);

        var created = await manager.CreateContextAsync("s1", s =>
        {
            s.WorkingContext = "Fix the flaky test";
            s.History.Add(new ConversationTurn { Role = ChatRole.User, Content = "The test fails on CI." });
        }, Ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var read = await manager.GetContextAsync("s1", Ct);

        Assert.Equal((1L, T0, T0), (created.Version, created.CreatedAt, created.LastAccessedAt));
        Assert.NotNull(read);
        Assert.Equal("Fix the flaky test", read.WorkingContext);
        Assert.Equal(T0.AddMinutes(5), read.LastAccessedAt);
        Assert.Equal(1, read.AccessCount);
        Assert.Equal(T0, read.History[0].Timestamp);
        Assert.Equal(RagTokenizer.Default.CountTokens("The test fails on CI."), read.History[0].TokenCount);
        Assert.Null(await manager.GetContextAsync("missing", Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task CreateContextAsync_TakenId_ThrowsInvalidOperation(StoreKind kind)
    {
        var (manager, _) = Create(kind);
        await manager.CreateContextAsync("s1", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => manager.CreateContextAsync("s1", cancellationToken: Ct));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task UpdateContextAsync_MissingContext_ThrowsContextNotFound(StoreKind kind)
    {
        var (manager, _) = Create(kind);

        var error = await Assert.ThrowsAsync<AgentContextNotFoundException>(() => manager.UpdateContextAsync("nope", s => s.WorkingContext = "x", Ct));

        Assert.Equal("nope", error.ContextId);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task UpdateContextAsync_DelegateChangesBookkeeping_TheManagerRestoresIt(StoreKind kind)
    {
        var (manager, _) = Create(kind);
        await manager.CreateContextAsync("s1", cancellationToken: Ct);

        var saved = await manager.UpdateContextAsync("s1", s =>
        {
            s.Version = 999;
            s.TotalTurns = -5;
            s.CreatedAt = DateTimeOffset.MinValue;
            s.WorkingContext = "kept";
        }, Ct);

        Assert.Equal((2L, 0L, T0, "kept"), (saved.Version, saved.TotalTurns, saved.CreatedAt, saved.WorkingContext));
        Assert.Equal(2, (await manager.GetContextAsync("s1", Ct))!.Version);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddTurnAsync_BeyondMaxHistory_KeepsTheNewestAndCountsEveryTurn(StoreKind kind)
    {
        var (manager, _) = Create(kind, new ContextManagerOptions { MaxHistoryTurns = 3 });
        await manager.CreateContextAsync("s1", cancellationToken: Ct);
        var contents = Enumerable.Range(1, 5).Select(i => $"Message number {i} about the parser.").ToArray();

        foreach (var content in contents)
        {
            await manager.AddTurnAsync("s1", ChatRole.User, content, Ct);
        }

        var context = (await manager.GetContextAsync("s1", Ct))!;
        var statistics = (await manager.GetStatisticsAsync("s1", Ct))!;
        Assert.Equal(contents[2..], context.History.Select(t => t.Content));
        Assert.Equal(5, statistics.TotalTurns);
        Assert.Equal(contents.Sum(c => RagTokenizer.Default.CountTokens(c)), statistics.TotalTurnTokens);
        Assert.Equal(contents[2..].Sum(c => RagTokenizer.Default.CountTokens(c)), statistics.HistoryTokens);
        Assert.Equal(3, statistics.HistoryTurns);
        Assert.Equal(6, statistics.Version);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task RememberAsync_BeyondMaxMemory_KeepsTheNewest(StoreKind kind)
    {
        var (manager, _) = Create(kind, new ContextManagerOptions { MaxMemoryItems = 2 });
        await manager.CreateContextAsync("s1", cancellationToken: Ct);

        await manager.RememberAsync("s1", "first fact", Ct);
        await manager.RememberAsync("s1", "second fact", Ct);
        var saved = await manager.RememberAsync("s1", "third fact", Ct);

        Assert.Equal(["second fact", "third fact"], saved.Memory.Select(m => m.Text));
        await Assert.ThrowsAsync<ArgumentException>(() => manager.RememberAsync("s1", " ", Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task UpdateContextAsync_ManyConcurrentTasks_LoseNoUpdate(StoreKind kind)
    {
        var (manager, _) = Create(kind, new ContextManagerOptions { MaxHistoryTurns = 1000 });
        await manager.CreateContextAsync("shared", cancellationToken: Ct);
        const int Tasks = 32;
        const int UpdatesPerTask = 10;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < UpdatesPerTask; i++)
            {
                await manager.UpdateContextAsync("shared", s =>
                {
                    s.Preferences["counter"] = (int.Parse(s.Preferences.GetValueOrDefault("counter", "0"), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    s.History.Add(new ConversationTurn { Role = ChatRole.User, Content = $"task {t} update {i}" });
                }, Ct);
            }
        }, Ct)));

        var context = (await manager.GetContextAsync("shared", Ct))!;
        Assert.Equal((Tasks * UpdatesPerTask).ToString(System.Globalization.CultureInfo.InvariantCulture), context.Preferences["counter"]);
        Assert.Equal(Tasks * UpdatesPerTask, context.History.Count);
        Assert.Equal(Tasks * UpdatesPerTask, context.TotalTurns);
        Assert.Equal(1 + (Tasks * UpdatesPerTask), context.Version);
    }

    [Fact]
    public async Task UpdateContextAsync_TwoManagersOnOneSqliteFile_LoseNoUpdate()
    {
        // Two managers with their own store instances stand for two processes: no shared in-process lock, only the
        // store's version check keeps updates from overwriting each other.
        var harness = Harness(StoreKind.Sqlite);
        var options = new ContextManagerOptions { MaxMemoryItems = 1000 };
        var a = new ContextManager(harness.OpenContextStore(), new HashingEmbeddingGenerator(), options: options, timeProvider: _time);
        var b = new ContextManager(harness.OpenContextStore(), new HashingEmbeddingGenerator(), options: options, timeProvider: _time);
        await a.CreateContextAsync("shared", cancellationToken: Ct);

        await Task.WhenAll(new[] { a, b }.SelectMany(manager => Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await manager.UpdateContextAsync("shared", s => s.Memory.Add(new MemoryItem { Text = "fact" }), Ct);
            }
        }, Ct))));

        var context = (await b.GetContextAsync("shared", Ct))!;
        Assert.Equal(160, context.Memory.Count);
        Assert.Equal(161, context.Version);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task UpdateContextAsync_AnotherWriterSavesInBetween_ReappliesTheUpdateOnTheNewerState(StoreKind kind)
    {
        var harness = Harness(kind);
        var store = new InterferingAgentContextStore(harness.OpenContextStore());
        var log = new ListLogger<ContextManager>();
        var manager = new ContextManager(store, new HashingEmbeddingGenerator(), timeProvider: _time, logger: log);
        await manager.CreateContextAsync("s1", cancellationToken: Ct);
        var calls = 0;

        // The first save attempt finds that "another process" added a preference since the context was read.
        store.BeforeNextUpdate = s => s.Preferences["from-other-writer"] = "yes";
        var saved = await manager.UpdateContextAsync("s1", s =>
        {
            calls++;
            s.Preferences["from-this-writer"] = "yes";
        }, Ct);

        Assert.Equal(2, calls);
        Assert.Equal(3, saved.Version);
        var stored = (await manager.GetContextAsync("s1", Ct))!;
        Assert.Equal("yes", stored.Preferences["from-other-writer"]);
        Assert.Equal("yes", stored.Preferences["from-this-writer"]);
        Assert.Contains(log.Entries, e => e.EventId.Id == 4010);
    }

    [Theory]
    [InlineData(StoreKind.InMemory, 64)]
    [InlineData(StoreKind.InMemory, 150)]
    [InlineData(StoreKind.InMemory, 400)]
    [InlineData(StoreKind.Sqlite, 1000)]
    [InlineData(StoreKind.Sqlite, 8000)]
    public async Task GetRelevantContextAsync_AnyBudget_StaysWithinTheBudgetByTheSameTokenizer(StoreKind kind, int budget)
    {
        var (manager, kb) = Create(kind, new ContextManagerOptions { MaxKnowledgeResults = 10, MinKnowledgeScore = -1 });
        await AddKnowledgeAsync(kb);
        await CreateRichContextAsync(manager, "s1");

        var context = await manager.GetRelevantContextAsync("s1", "How does the SQLite store persist vectors?", new ContextRequestOptions { TokenBudget = budget }, Ct);

        Assert.True(context.TokenCount <= budget, $"{context.TokenCount} tokens > budget {budget}");
        Assert.Equal(RagTokenizer.Default.CountTokens(context.Text), context.TokenCount);
        Assert.Equal(budget, context.TokenBudget);
        Assert.Equal(string.Join("\n", context.Sections.Select(s => s.Text)), context.Text);
        Assert.NotEmpty(context.Sections);
        Assert.True(context.OmittedItemCount == 0 || context.TokenCount > budget / 2, $"{context.TokenCount} tokens leave most of the {budget} budget unused while items were omitted");
        if (budget >= 150)
        {
            Assert.Equal(ContextSectionKind.WorkingContext, context.Sections[0].Kind);
        }

        if (budget >= 8000)
        {
            Assert.Equal(0, context.OmittedItemCount);
            Assert.Equal(Enum.GetValues<ContextSectionKind>(), context.Sections.Select(s => s.Kind));
        }
        else
        {
            Assert.True(context.OmittedItemCount > 0);
        }
    }

    [Fact]
    public async Task GetRelevantContextAsync_TightBudget_KeepsWorkingContextAndNewestTurnsBeforeOlderOnes()
    {
        var (manager, kb) = Create(StoreKind.InMemory);
        await AddKnowledgeAsync(kb);
        await CreateRichContextAsync(manager, "s1");

        var context = await manager.GetRelevantContextAsync("s1", "vector persistence", new ContextRequestOptions { TokenBudget = 400 }, Ct);

        Assert.Contains("Migrate the knowledge base", context.Text, StringComparison.Ordinal);
        Assert.Contains("turn 12:", context.Text, StringComparison.Ordinal);
        Assert.Contains("turn 11:", context.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("turn 1:", context.Text, StringComparison.Ordinal);
        var conversation = context.Sections.Single(s => s.Kind == ContextSectionKind.History).Text;
        Assert.True(conversation.IndexOf("turn 11:", StringComparison.Ordinal) < conversation.IndexOf("turn 12:", StringComparison.Ordinal), "turns are in chronological order");
    }

    [Fact]
    public async Task GetRelevantContextAsync_OversizedWorkingContext_IsShortenedToFit()
    {
        var (manager, _) = Create(StoreKind.InMemory);
        await manager.CreateContextAsync("s1", s => s.WorkingContext = SampleTextFor.Words(2000), Ct);

        var context = await manager.GetRelevantContextAsync("s1", "anything", new ContextRequestOptions { TokenBudget = 200 }, Ct);

        var section = Assert.Single(context.Sections);
        Assert.Equal(1, section.TruncatedItemCount);
        Assert.Contains("…", section.Text, StringComparison.Ordinal);
        Assert.True(context.TokenCount <= 200);
        Assert.True(context.TokenCount > 150, "the shortened item should use most of the budget");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task GetRelevantContextAsync_Knowledge_IncludesRelevantChunksOfTheContextProjectOnly(StoreKind kind)
    {
        var (manager, kb) = Create(kind);
        await AddKnowledgeAsync(kb);
        await CreateRichContextAsync(manager, "s1");

        var context = await manager.GetRelevantContextAsync("s1", "How does the SQLite store persist vectors in WAL mode?", Ct);

        Assert.Equal("sqlite", context.Knowledge[0].DocumentId);
        Assert.All(context.Knowledge, k => Assert.Equal("app", k.Project));
        Assert.Contains("<chunk source=\"docs/sqlite.md\" index=\"0\">", context.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("bread", context.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRelevantContextAsync_Memory_IncludesRelatedFactsOnly()
    {
        var (manager, _) = Create(StoreKind.InMemory, new ContextManagerOptions { MinMemoryScore = 0.15 });
        await manager.CreateContextAsync("s1", cancellationToken: Ct);
        await manager.RememberAsync("s1", "The SQLite database file lives in the data directory.", Ct);
        await manager.RememberAsync("s1", "The user's favourite colour is green.", Ct);

        var context = await manager.GetRelevantContextAsync("s1", "Where is the SQLite database file?", Ct);

        var memory = context.Sections.Single(s => s.Kind == ContextSectionKind.Memory);
        Assert.Contains("data directory", memory.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("colour", memory.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRelevantContextAsync_SameRequestTwice_IsServedFromCacheUntilContextOrKnowledgeChanges()
    {
        var generator = new CountingEmbeddingGenerator();
        var harness = Harness(StoreKind.InMemory);
        var kb = new KnowledgeBase(harness.OpenCollection(), generator, timeProvider: _time);
        var manager = new ContextManager(harness.OpenContextStore(), generator, kb, timeProvider: _time);
        await AddKnowledgeAsync(kb);
        await CreateRichContextAsync(manager, "s1");
        const string Query = "How does the SQLite store persist vectors?";

        var first = await manager.GetRelevantContextAsync("s1", Query, Ct);
        var calls = generator.Calls;
        var second = await manager.GetRelevantContextAsync("s1", Query, Ct);

        Assert.Same(first, second);
        Assert.Equal(calls, generator.Calls);

        await manager.AddTurnAsync("s1", ChatRole.User, "A brand new question about WAL checkpoints.", Ct);
        var afterUpdate = await manager.GetRelevantContextAsync("s1", Query, Ct);
        Assert.NotSame(first, afterUpdate);
        Assert.Contains("WAL checkpoints", afterUpdate.Text, StringComparison.Ordinal);

        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "vacuum", Text = "The SQLite store persists vectors as blobs; VACUUM reclaims space.", Project = "app", SourcePath = "docs/vacuum.md" }, Ct);
        var afterKnowledge = await manager.GetRelevantContextAsync("s1", Query, Ct);
        Assert.NotSame(afterUpdate, afterKnowledge);
        Assert.Contains(afterKnowledge.Knowledge, k => k.DocumentId == "vacuum");

        var otherBudget = await manager.GetRelevantContextAsync("s1", Query, new ContextRequestOptions { TokenBudget = 300 }, Ct);
        Assert.NotSame(afterKnowledge, otherBudget);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ExpireIdleContextsAsync_DeletesOnlyContextsIdleLongerThanTheTimeout(StoreKind kind)
    {
        var (manager, _) = Create(kind, new ContextManagerOptions { IdleTimeout = TimeSpan.FromHours(24) });
        await manager.CreateContextAsync("idle", cancellationToken: Ct);
        await manager.CreateContextAsync("read", cancellationToken: Ct);
        await manager.CreateContextAsync("updated", cancellationToken: Ct);
        _time.Advance(TimeSpan.FromHours(20));
        await manager.GetRelevantContextAsync("read", "anything at all", Ct);
        await manager.AddTurnAsync("updated", ChatRole.User, "still here", Ct);
        _time.Advance(TimeSpan.FromHours(5));

        var expired = await manager.ExpireIdleContextsAsync(Ct);

        Assert.Equal(1, expired);
        Assert.Equal(["read", "updated"], await manager.ListContextIdsAsync(Ct));
        await Assert.ThrowsAsync<AgentContextNotFoundException>(() => manager.GetRelevantContextAsync("idle", "anything", Ct));
    }

    [Fact]
    public async Task DeleteContextAsync_RemovesTheContextAndItsCachedContexts()
    {
        var (manager, _) = Create(StoreKind.InMemory);
        await manager.CreateContextAsync("s1", s => s.WorkingContext = "work", Ct);
        await manager.GetRelevantContextAsync("s1", "query", Ct);
        Assert.Equal(1, manager.CachedContextCount);

        Assert.True(await manager.DeleteContextAsync("s1", Ct));

        Assert.Equal(0, manager.CachedContextCount);
        Assert.Null(await manager.GetContextAsync("s1", Ct));
        Assert.False(await manager.DeleteContextAsync("s1", Ct));
    }

    [Fact]
    public async Task GetRelevantContextAsync_BadInputs_ThrowClearErrors()
    {
        var (manager, _) = Create(StoreKind.InMemory);
        await manager.CreateContextAsync("s1", cancellationToken: Ct);

        var emptyQuery = await Assert.ThrowsAsync<ArgumentException>(() => manager.GetRelevantContextAsync("s1", " ", Ct));
        var zeroBudget = await Assert.ThrowsAsync<ArgumentException>(() => manager.GetRelevantContextAsync("s1", "q", new ContextRequestOptions { TokenBudget = 0 }, Ct));
        var missing = await Assert.ThrowsAsync<AgentContextNotFoundException>(() => manager.GetRelevantContextAsync("missing", "q", Ct));
        var blankId = await Assert.ThrowsAsync<ArgumentException>(() => manager.GetRelevantContextAsync(" ", "q", Ct));

        Assert.Contains("query is empty", emptyQuery.Message, StringComparison.Ordinal);
        Assert.Contains("TokenBudget", zeroBudget.Message, StringComparison.Ordinal);
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        Assert.Contains("context id", blankId.Message, StringComparison.Ordinal);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task AddKnowledgeAsync(IKnowledgeBase kb)
    {
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "sqlite", Text = "The SQLite store persists vectors and records in one database file, in WAL mode, one transaction per upsert.", Project = "app", SourcePath = "docs/sqlite.md" }, Ct);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "contexts", Text = "Idle contexts expire after a day; the expiry service deletes them in the background.", Project = "app", SourcePath = "docs/contexts.md" }, Ct);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "chunks", Text = "Documents are split into chunks on paragraph and sentence boundaries with a token overlap.", Project = "app", SourcePath = "docs/chunks.md" }, Ct);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "bread", Text = "Bread dough persists in the fridge overnight; the SQLite of baking is patience.", Project = "kitchen", SourcePath = "recipes/bread.md" }, Ct);
        for (var i = 0; i < 8; i++)
        {
            await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = $"filler-{i}", Text = Knowledge.SampleText.Paragraphs(1, 6, seed: i), Project = "app", SourcePath = $"docs/filler-{i}.md" }, Ct);
        }
    }

    private static Task CreateRichContextAsync(IContextManager manager, string id) =>
        manager.CreateContextAsync(id, s =>
        {
            s.WorkingContext = "Migrate the knowledge base from the in-memory store to the SQLite store without losing vectors. " + SampleTextFor.Words(60);
            s.Project = "app";
            s.ProjectContext = "A .NET library that delegates work to the Claude Code CLI. " + SampleTextFor.Words(50);
            s.Preferences["language"] = "C#";
            s.Preferences["style"] = "terse";
            s.Memory.Add(new MemoryItem { Text = "The SQLite store keeps vectors in memory after the first search." });
            s.Memory.Add(new MemoryItem { Text = "The team meets on Tuesdays." });
            for (var turn = 1; turn <= 12; turn++)
            {
                s.History.Add(new ConversationTurn
                {
                    Role = turn % 2 == 1 ? ChatRole.User : ChatRole.Assistant,
                    Content = $"turn {turn}: " + SampleTextFor.Words(30, seed: turn),
                });
            }
        }, Ct);

    private (ContextManager Manager, KnowledgeBase Knowledge) Create(StoreKind kind, ContextManagerOptions? options = null)
    {
        var harness = Harness(kind);
        var generator = new HashingEmbeddingGenerator();
        var kb = new KnowledgeBase(harness.OpenCollection(), generator, timeProvider: _time);
        return (new ContextManager(harness.OpenContextStore(), generator, kb, options, timeProvider: _time), kb);
    }

    private StoreHarness Harness(StoreKind kind)
    {
        var harness = new StoreHarness(kind);
        _harnesses.Add(harness);
        return harness;
    }
}

internal static class SampleTextFor
{
    private static readonly string[] Vocabulary = ["alpha", "vector", "store", "query", "budget", "token", "context", "memory", "chunk", "index", "search", "record"];

    public static string Words(int count, int seed = 0)
    {
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => Vocabulary[random.Next(Vocabulary.Length)])) + ".";
    }
}
