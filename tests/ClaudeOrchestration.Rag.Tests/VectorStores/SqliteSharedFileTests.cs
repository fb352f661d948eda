using System.Diagnostics.CodeAnalysis;
using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

/// <summary>
/// Several store objects on one database file (as several processes would be, e.g. one MCP server per Claude Code
/// session): each one's searches, served from its own in-memory cache, see the others' writes without reopening.
/// The crash test in <see cref="SqliteStoreTests"/> proves the same across processes.
/// </summary>
[SuppressMessage("Trimming", "IL2026", Justification = "Tests use POCO mapping through reflection.")]
[SuppressMessage("AOT", "IL3050", Justification = "Tests use POCO mapping through reflection.")]
public sealed class SqliteSharedFileTests : IDisposable
{
    private const string Collection = "docs";
    private static readonly float[] Query = [1, 0, 0, 0];
    private static readonly float[] Far = [-1, 0, 0, 1];
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ConnectionString => $"Data Source={_directory.File("shared.db")}";

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Search_AfterAnotherStoreObjectWrites_SeesItsUpsertsUpdatesAndDeletes()
    {
        using var readerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        using var writerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        var (reader, writer) = await OpenBothAsync(readerStore, writerStore);
        await writer.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record(i, $"filler {i}")), Ct);
        Assert.Equal(20, (await HybridKeysAsync(reader, "filler", 50)).Count); // loads the reader's cache

        await writer.UpsertAsync(Record(7, "a zebra here", Far), Ct);
        await writer.UpsertAsync(Record(30, "another zebra", Far), Ct);
        await writer.UpsertAsync(Record(31, "a third zebra", Far), Ct);
        await writer.DeleteAsync(["k30", "k5"], Ct);

        // k7's vector is the farthest from the query, so only its new text can bring it into the top 2 for "zebra".
        var zebra = await HybridKeysAsync(reader, "zebra", 2);
        Assert.Contains("k7", zebra);
        Assert.DoesNotContain("k30", zebra);
        var all = await HybridKeysAsync(reader, "filler", 50); // every record: the vector half ranks them all
        Assert.Equal(20, all.Count);
        Assert.DoesNotContain("k5", all);
        Assert.DoesNotContain("k30", all);
        Assert.Contains("k31", all);
        Assert.Equal("k31", (await reader.SearchAsync(Far, 1, cancellationToken: Ct).SingleAsync(Ct)).Record.Key);
    }

    [Fact]
    public async Task Search_WritesOfBothStoreObjectsInterleaved_SeesAllOfThem()
    {
        using var firstStore = new EmbeddedSqliteVectorStore(ConnectionString);
        using var secondStore = new EmbeddedSqliteVectorStore(ConnectionString);
        var (first, second) = await OpenBothAsync(firstStore, secondStore);
        await first.UpsertAsync(Enumerable.Range(0, 10).Select(i => Record(i, $"filler {i}")), Ct);
        _ = await HybridKeysAsync(first, "filler", 50);

        // first's cache is behind when it writes k11: its own write must not make it skip second's k10.
        await second.UpsertAsync(Record(10, "written by the second"), Ct);
        await first.UpsertAsync(Record(11, "written by the first"), Ct);
        await second.DeleteAsync("k0", Ct);

        var keys = await HybridKeysAsync(first, "written", 50);
        Assert.Contains("k10", keys);
        Assert.Contains("k11", keys);
        Assert.DoesNotContain("k0", keys);
        Assert.Equal(keys.Order(StringComparer.Ordinal), (await HybridKeysAsync(second, "written", 50)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_CollectionDeletedAndCreatedAgainByAnotherStoreObject_SeesOnlyTheNewRecords()
    {
        using var readerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        using var writerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        var (reader, writer) = await OpenBothAsync(readerStore, writerStore);
        await writer.UpsertAsync(Enumerable.Range(0, 10).Select(i => Record(i, $"old {i}")), Ct);
        Assert.Equal(10, (await HybridKeysAsync(reader, "old", 50)).Count);

        await writer.EnsureCollectionDeletedAsync(Ct);
        _ = await Assert.ThrowsAsync<VectorStoreException>(() => HybridKeysAsync(reader, "old", 50));

        await writer.EnsureCollectionExistsAsync(Ct);
        await writer.UpsertAsync([Record(100, "new 100"), Record(101, "new 101")], Ct);
        Assert.Equal(["k100", "k101"], (await HybridKeysAsync(reader, "new old", 50)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_ChangeLogPrunedPastTheCache_ReloadsTheCollection()
    {
        using var readerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        using var writerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        var (reader, writer) = await OpenBothAsync(readerStore, writerStore);
        await writer.UpsertAsync(Enumerable.Range(0, 10).Select(i => Record(i, $"filler {i}")), Ct);
        _ = await HybridKeysAsync(reader, "filler", 50);

        await writer.UpsertAsync(Record(20, "pruned twenty"), Ct);
        await writer.UpsertAsync(Record(21, "pruned twentyone"), Ct);
        await writer.DeleteAsync("k1", Ct);

        // As if the log had outgrown its capacity: only its newest entry is left, the reader's next entries are gone.
        using (var raw = new SqliteConnection(ConnectionString + ";Pooling=False"))
        {
            await raw.OpenAsync(Ct);
            using var prune = raw.CreateCommand();
            prune.CommandText = "DELETE FROM \"__co_vector_changes\" WHERE seq < (SELECT max(seq) FROM \"__co_vector_changes\");";
            Assert.True(await prune.ExecuteNonQueryAsync(Ct) > 0);
        }

        var keys = await HybridKeysAsync(reader, "filler pruned", 50); // every record: the vector half ranks them all
        Assert.Contains("k20", keys);
        Assert.Contains("k21", keys);
        Assert.DoesNotContain("k1", keys);
        Assert.Equal(11, keys.Count);
    }

    [Fact]
    public async Task HnswSearch_AfterAnotherStoreObjectWrites_SeesTheNewVectorsAndNotTheDeletedOnes()
    {
        using var readerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        using var writerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        var reader = readerStore.GetCollection<int, EmbeddedStoreTests.HnswNote>("notes");
        var writer = writerStore.GetCollection<int, EmbeddedStoreTests.HnswNote>("notes");
        await writer.EnsureCollectionExistsAsync(Ct);
        await writer.UpsertAsync(Enumerable.Range(0, 200).Select(Note), Ct);
        Assert.Equal(3, (await reader.SearchAsync(Note(3).Embedding, 1, cancellationToken: Ct).SingleAsync(Ct)).Record.Id);

        await writer.UpsertAsync(Note(500), Ct);
        await writer.DeleteAsync(3, Ct);

        Assert.Equal(500, (await reader.SearchAsync(Note(500).Embedding, 1, cancellationToken: Ct).SingleAsync(Ct)).Record.Id);
        Assert.NotEqual(3, (await reader.SearchAsync(Note(3).Embedding, 1, cancellationToken: Ct).SingleAsync(Ct)).Record.Id);
    }

    [Fact]
    public async Task Search_GuidKeysWrittenByAnotherStoreObject_SeesThem()
    {
        using var readerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        using var writerStore = new EmbeddedSqliteVectorStore(ConnectionString);
        var reader = readerStore.GetCollection<Guid, EmbeddedStoreTests.GuidNote>("guids");
        var writer = writerStore.GetCollection<Guid, EmbeddedStoreTests.GuidNote>("guids");
        await writer.EnsureCollectionExistsAsync(Ct);
        var (east, north) = (Guid.NewGuid(), Guid.NewGuid());
        await writer.UpsertAsync(new EmbeddedStoreTests.GuidNote { Id = east, Embedding = new float[] { 1, 0 } }, Ct);
        Assert.Equal(east, (await reader.SearchAsync(new float[] { 0, 1 }, 1, cancellationToken: Ct).SingleAsync(Ct)).Record.Id);

        await writer.UpsertAsync(new EmbeddedStoreTests.GuidNote { Id = north, Embedding = new float[] { 0, 1 } }, Ct);
        await writer.DeleteAsync(east, Ct);

        Assert.Equal(north, (await reader.SearchAsync(new float[] { 1, 0 }, 5, cancellationToken: Ct).SingleAsync(Ct)).Record.Id);
    }

    private static async Task<(EmbeddedSqliteCollection<string, HybridRecord<string>> First, EmbeddedSqliteCollection<string, HybridRecord<string>> Second)> OpenBothAsync(
        EmbeddedSqliteVectorStore first, EmbeddedSqliteVectorStore second)
    {
        var a = first.GetCollection<string, HybridRecord<string>>(Collection);
        var b = second.GetCollection<string, HybridRecord<string>>(Collection);
        await a.EnsureCollectionExistsAsync(Ct);
        await b.EnsureCollectionExistsAsync(Ct);
        return (a, b);
    }

    private static async Task<List<string>> HybridKeysAsync(EmbeddedSqliteCollection<string, HybridRecord<string>> collection, string keywords, int top) =>
        await collection.HybridSearchAsync(Query, keywords.Split(' '), top, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);

    private static HybridRecord<string> Record(int i, string body, float[]? embedding = null) =>
        new() { Key = $"k{i}", Body = body, Category = "c", Embedding = embedding ?? [1f, i / 10f, 0, 0] };

    private static EmbeddedStoreTests.HnswNote Note(int id)
    {
        var random = new Random(id);
        var vector = new float[16];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return new EmbeddedStoreTests.HnswNote { Id = id, Group = id % 4, Embedding = vector };
    }
}
