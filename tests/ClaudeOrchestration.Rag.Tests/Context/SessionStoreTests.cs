using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Tests.Context;

/// <summary>The contract every <see cref="ISessionStore"/> keeps, on both implementations.</summary>
public sealed class SessionStoreTests : IDisposable
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
        var store = Harness(kind).OpenSessionStore();
        var session = NewSession("s1");

        Assert.True(await store.TryCreateAsync(session, Ct));
        session.WorkingContext = "changed after saving";
        var read = await store.GetAsync("s1", Ct);

        Assert.NotNull(read);
        Assert.NotSame(session, read);
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
        var store = Harness(kind).OpenSessionStore();
        await store.TryCreateAsync(NewSession("s1"), Ct);
        var other = NewSession("s1");
        other.WorkingContext = "second";

        Assert.False(await store.TryCreateAsync(other, Ct));
        Assert.Equal("Refactor the parser", (await store.GetAsync("s1", Ct))!.WorkingContext);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TryUpdateAsync_StaleVersion_IsRejected(StoreKind kind)
    {
        var store = Harness(kind).OpenSessionStore();
        await store.TryCreateAsync(NewSession("s1"), Ct);
        var a = (await store.GetAsync("s1", Ct))!;
        var b = (await store.GetAsync("s1", Ct))!;
        a.WorkingContext = "from a";
        a.Version = 2;
        b.WorkingContext = "from b";
        b.Version = 2;

        Assert.True(await store.TryUpdateAsync(a, expectedVersion: 1, Ct));
        Assert.False(await store.TryUpdateAsync(b, expectedVersion: 1, Ct));
        Assert.Equal("from a", (await store.GetAsync("s1", Ct))!.WorkingContext);
        Assert.False(await store.TryUpdateAsync(NewSession("missing"), expectedVersion: 1, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TouchAsync_MovesLastAccessForwardOnlyAndCounts(StoreKind kind)
    {
        var store = Harness(kind).OpenSessionStore();
        await store.TryCreateAsync(NewSession("s1"), Ct);

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
    public async Task DeleteIdleAsync_DeletesOnlySessionsIdleBeforeTheCutoff(StoreKind kind)
    {
        var store = Harness(kind).OpenSessionStore();
        await store.TryCreateAsync(NewSession("old"), Ct);
        await store.TryCreateAsync(NewSession("fresh"), Ct);
        await store.TouchAsync("fresh", T0.AddHours(5), Ct);

        var deleted = await store.DeleteIdleAsync(T0.AddHours(1), Ct);

        Assert.Equal(["old"], deleted);
        Assert.Equal(["fresh"], await store.ListIdsAsync(Ct));
        Assert.True(await store.DeleteAsync("fresh", Ct));
        Assert.False(await store.DeleteAsync("fresh", Ct));
    }

    [Fact]
    public async Task SqliteSessionStore_Reopened_KeepsSessionsVersionsAndAccess()
    {
        var harness = Harness(StoreKind.Sqlite);
        using (var first = new SqliteSessionStore(harness.SessionPath))
        {
            await first.TryCreateAsync(NewSession("persisted"), Ct);
            var session = (await first.GetAsync("persisted", Ct))!;
            session.History.Add(new ConversationTurn { Role = ChatRole.User, Content = "one more", Timestamp = T0, TokenCount = 3 });
            session.Version = 2;
            await first.TryUpdateAsync(session, 1, Ct);
            await first.TouchAsync("persisted", T0.AddMinutes(30), Ct);
        }

        using var reopened = new SqliteSessionStore(harness.SessionPath);
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

    private static ContextSession NewSession(string id)
    {
        var session = new ContextSession
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
        session.Preferences["indent"] = "tabs";
        session.Memory.Add(new MemoryItem { Text = "The build uses .NET 10", CreatedAt = T0 });
        session.History.Add(new ConversationTurn { Role = ChatRole.User, Content = "Where is the lexer?", Timestamp = T0, TokenCount = 5 });
        session.History.Add(new ConversationTurn { Role = ChatRole.Assistant, Content = "In src/Lexer.cs.", Timestamp = T0, TokenCount = 6 });
        return session;
    }

    private StoreHarness Harness(StoreKind kind)
    {
        var harness = new StoreHarness(kind);
        _harnesses.Add(harness);
        return harness;
    }
}
