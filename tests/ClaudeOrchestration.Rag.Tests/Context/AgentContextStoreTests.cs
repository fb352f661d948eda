using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Tests.Context;

/// <summary>The contract every <see cref="IAgentContextStore"/> keeps, on both implementations.</summary>
public sealed class AgentContextStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<StoreHarness> _harnesses = [];

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
    public async Task TryCreateAsync_ThenGet_ReturnsAnEqualCopyNotTheSameObject(StoreKind kind)
    {
        var store = Harness(kind).OpenContextStore();
        var context = NewContext("s1");

        Assert.True(await store.TryCreateAsync(context, Ct));
        context.WorkingContext = "changed after saving";
        var read = await store.GetAsync("s1", Ct);

        Assert.NotNull(read);
        Assert.NotSame(context, read);
        Assert.Equal("Refactor the parser", read.WorkingContext);
        Assert.Equal(ChatRole.Assistant, read.History[1].Role);
        Assert.Equal("tabs", read.Preferences["indent"]);
        Assert.Equal("The build uses .NET 10", read.Memory[0].Text);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Equal(1, read.Version);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TryCreateAsync_TakenId_ReturnsFalseAndKeepsTheFirst(StoreKind kind)
    {
        var store = Harness(kind).OpenContextStore();
        await store.TryCreateAsync(NewContext("s1"), Ct);
        var other = NewContext("s1");
        other.WorkingContext = "second";

        Assert.False(await store.TryCreateAsync(other, Ct));
        Assert.Equal("Refactor the parser", (await store.GetAsync("s1", Ct))!.WorkingContext);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TryUpdateAsync_StaleVersion_IsRejected(StoreKind kind)
    {
        var store = Harness(kind).OpenContextStore();
        await store.TryCreateAsync(NewContext("s1"), Ct);
        var a = (await store.GetAsync("s1", Ct))!;
        var b = (await store.GetAsync("s1", Ct))!;
        a.WorkingContext = "from a";
        a.Version = 2;
        b.WorkingContext = "from b";
        b.Version = 2;

        Assert.True(await store.TryUpdateAsync(a, expectedVersion: 1, Ct));
        Assert.False(await store.TryUpdateAsync(b, expectedVersion: 1, Ct));
        Assert.Equal("from a", (await store.GetAsync("s1", Ct))!.WorkingContext);
        Assert.False(await store.TryUpdateAsync(NewContext("missing"), expectedVersion: 1, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TouchAsync_MovesLastAccessForwardOnlyAndCounts(StoreKind kind)
    {
        var store = Harness(kind).OpenContextStore();
        await store.TryCreateAsync(NewContext("s1"), Ct);

        Assert.True(await store.TouchAsync("s1", T0.AddHours(2), Ct));
        Assert.True(await store.TouchAsync("s1", T0.AddHours(1), Ct));
        Assert.False(await store.TouchAsync("missing", T0, Ct));

        var read = (await store.GetAsync("s1", Ct))!;
        Assert.Equal(T0.AddHours(2), read.LastAccessedAt);
        Assert.Equal(2, read.AccessCount);
        Assert.Equal(1, read.Version); // a touch is not an update
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task DeleteIdleAsync_DeletesOnlyContextsIdleBeforeTheCutoff(StoreKind kind)
    {
        var store = Harness(kind).OpenContextStore();
        await store.TryCreateAsync(NewContext("old"), Ct);
        await store.TryCreateAsync(NewContext("fresh"), Ct);
        await store.TouchAsync("fresh", T0.AddHours(5), Ct);

        var deleted = await store.DeleteIdleAsync(T0.AddHours(1), Ct);

        Assert.Equal(["old"], deleted);
        Assert.Equal(["fresh"], await store.ListIdsAsync(Ct));
        Assert.True(await store.DeleteAsync("fresh", Ct));
        Assert.False(await store.DeleteAsync("fresh", Ct));
    }

    [Fact]
    public async Task SqliteContextStore_Reopened_KeepsContextsVersionsAndAccess()
    {
        var harness = Harness(StoreKind.Sqlite);
        using (var first = new SqliteAgentContextStore(harness.ContextPath))
        {
            await first.TryCreateAsync(NewContext("persisted"), Ct);
            var context = (await first.GetAsync("persisted", Ct))!;
            context.History.Add(new ConversationTurn { Role = ChatRole.User, Content = "one more", Timestamp = T0, TokenCount = 3 });
            context.Version = 2;
            await first.TryUpdateAsync(context, 1, Ct);
            await first.TouchAsync("persisted", T0.AddMinutes(30), Ct);
        }

        using var reopened = new SqliteAgentContextStore(harness.ContextPath);
        var read = await reopened.GetAsync("persisted", Ct);

        Assert.NotNull(read);
        Assert.Equal(2, read.Version);
        Assert.Equal(3, read.History.Count);
        Assert.Equal("one more", read.History[2].Content);
        Assert.Equal(3, read.History[2].TokenCount);
        Assert.Equal(T0.AddMinutes(30), read.LastAccessedAt);
        Assert.Equal(1, read.AccessCount);
        Assert.Equal("tabs", read.Preferences["indent"]);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AgentContext NewContext(string id)
    {
        var context = new AgentContext
        {
            Id = id,
            WorkingContext = "Refactor the parser",
            Project = "compiler",
            ProjectContext = "A C# compiler front end.",
            Version = 1,
            CreatedAt = T0,
            UpdatedAt = T0,
            LastAccessedAt = T0,
        };
        context.Preferences["indent"] = "tabs";
        context.Memory.Add(new MemoryItem { Text = "The build uses .NET 10", CreatedAt = T0 });
        context.History.Add(new ConversationTurn { Role = ChatRole.User, Content = "Where is the lexer?", Timestamp = T0, TokenCount = 5 });
        context.History.Add(new ConversationTurn { Role = ChatRole.Assistant, Content = "In src/Lexer.cs.", Timestamp = T0, TokenCount = 6 });
        return context;
    }

    private StoreHarness Harness(StoreKind kind)
    {
        var harness = new StoreHarness(kind);
        _harnesses.Add(harness);
        return harness;
    }
}
