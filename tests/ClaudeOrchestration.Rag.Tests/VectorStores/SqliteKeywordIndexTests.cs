using System.Diagnostics.CodeAnalysis;
using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

/// <summary>The SQLite store's FTS5 keyword index: consistency with the records, reopen, migration of older databases, deletion.</summary>
[SuppressMessage("Trimming", "IL2026", Justification = "Tests use POCO mapping through reflection.")]
[SuppressMessage("AOT", "IL3050", Justification = "Tests use POCO mapping through reflection.")]
public sealed class SqliteKeywordIndexTests : IDisposable
{
    private const string Collection = "docs";
    private const string IndexTable = Collection + "__fts_Body";
    private static readonly float[] Query = [1, 0, 0, 0];
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => _directory.File("keywords.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task KeywordIndex_ThroughUpsertsUpdatesAndDeletes_StaysConsistentWithTheRecords()
    {
        using var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var collection = store.GetCollection<string, HybridRecord<string>>(Collection);
        await collection.EnsureCollectionExistsAsync(Ct);

        await collection.UpsertAsync(Enumerable.Range(0, 50).Select(i => Record(i, $"alpha record {i}")), Ct);
        await collection.UpsertAsync(Enumerable.Range(0, 50).Where(i => i % 3 == 0).Select(i => Record(i, $"beta record {i}")), Ct);
        await collection.DeleteAsync(Enumerable.Range(0, 50).Where(i => i % 5 == 0).Select(i => $"k{i}"), Ct);

        await AssertIndexIntegrityAsync(expectedRows: 40);
        var hybrid = (IKeywordHybridSearchable<HybridRecord<string>>)collection;
        var beta = await hybrid.HybridSearchAsync(Query, ["beta"], 50, cancellationToken: Ct).Select(r => r.Record).ToListAsync(Ct);
        Assert.All(beta, r => Assert.NotNull(r));
        var keywordHits = await CountMatchesAsync("beta");
        Assert.Equal(Enumerable.Range(0, 50).Count(i => i % 3 == 0 && i % 5 != 0), keywordHits);
        Assert.Equal(0, await CountMatchesAsync("alpha AND beta"));
    }

    [Fact]
    public async Task HybridSearchAsync_WritesAfterTheCacheLoaded_RanksTheCurrentText()
    {
        using var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var collection = store.GetCollection<string, HybridRecord<string>>(Collection);
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record(i, $"filler {i}")), Ct);
        var hybrid = (IKeywordHybridSearchable<HybridRecord<string>>)collection;
        Assert.NotEmpty(await hybrid.HybridSearchAsync(Query, ["filler"], 3, cancellationToken: Ct).ToListAsync(Ct)); // loads the cache

        await collection.UpsertAsync(Record(7, "a zebra here", [-1, 0, 0, 1]), Ct);
        await collection.UpsertAsync(Record(30, "another zebra", [-1, 0, 0, 1]), Ct);
        await collection.DeleteAsync("k30", Ct);

        // The new text is found, the deleted record is not, the old text is gone: k7's vector is the farthest from the
        // query, so only its keyword rank can bring it into the top 2 (next to the best vector match).
        var zebra = await hybrid.HybridSearchAsync(Query, ["zebra"], 2, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        Assert.Contains("k7", zebra);
        Assert.DoesNotContain("k30", zebra);
        var filler = await hybrid.HybridSearchAsync(Query, ["filler"], 20, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        Assert.Equal("k7", filler[^1]);
        var filtered = await hybrid.HybridSearchAsync(Query, ["zebra"], 2, new() { Filter = r => r.Key != "k7" }, Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        Assert.DoesNotContain("k7", filtered);
    }

    [Fact]
    public async Task HybridSearchAsync_AfterReopen_UsesThePersistedIndex()
    {
        using (var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}"))
        {
            var collection = store.GetCollection<string, HybridRecord<string>>(Collection);
            await collection.EnsureCollectionExistsAsync(Ct);
            await collection.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record(i, i == 19 ? "a zebra here" : $"filler {i}", i == 19 ? [-1, 0, 0, 1] : null)), Ct);
        }

        using var reopened = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var hybrid = (IKeywordHybridSearchable<HybridRecord<string>>)reopened.GetCollection<string, HybridRecord<string>>(Collection);
        var results = await hybrid.HybridSearchAsync(Query, ["zebra"], 3, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);

        Assert.Contains("k19", results);
    }

    [Fact]
    public async Task EnsureCollectionExistsAsync_CollectionWithoutKeywordIndex_BuildsItFromTheStoredRecords()
    {
        using (var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}"))
        {
            var collection = store.GetCollection<string, HybridRecord<string>>(Collection);
            await collection.EnsureCollectionExistsAsync(Ct);
            await collection.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record(i, i == 19 ? "a zebra here" : $"filler {i}", i == 19 ? [-1, 0, 0, 1] : null)), Ct);
        }

        // What a database written before keyword indexes existed looks like: the table and the registry, no FTS5 table.
        await ExecuteAsync($"DROP TABLE \"{IndexTable}\"; DROP TRIGGER \"{IndexTable}_ai\"; DROP TRIGGER \"{IndexTable}_ad\"; DROP TRIGGER \"{IndexTable}_au\";");

        using var reopened = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var old = reopened.GetCollection<string, HybridRecord<string>>(Collection);
        var error = await Assert.ThrowsAsync<VectorStoreException>(async () =>
            await ((IKeywordHybridSearchable<HybridRecord<string>>)old).HybridSearchAsync(Query, ["zebra"], 3, cancellationToken: Ct).ToListAsync(Ct));
        Assert.Contains("EnsureCollectionExistsAsync", error.Message, StringComparison.Ordinal);

        var migrated = reopened.GetCollection<string, HybridRecord<string>>(Collection);
        await migrated.EnsureCollectionExistsAsync(Ct);
        var results = await ((IKeywordHybridSearchable<HybridRecord<string>>)migrated).HybridSearchAsync(Query, ["zebra"], 3, cancellationToken: Ct)
            .Select(r => r.Record.Key).ToListAsync(Ct);

        Assert.Contains("k19", results);
        Assert.Equal(20, await migrated.GetAsync(r => r.Category != "", 100, cancellationToken: Ct).CountAsync(Ct));
        await AssertIndexIntegrityAsync(expectedRows: 20);
    }

    [Fact]
    public async Task EnsureCollectionDeletedAsync_DropsTheKeywordIndex()
    {
        using var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var collection = store.GetCollection<string, HybridRecord<string>>(Collection);
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(Record(1, "one"), Ct);

        await collection.EnsureCollectionDeletedAsync(Ct);

        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name LIKE 'docs%';";
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(Ct))!);

        // And the name can be used again, index and all.
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(Record(2, "two zebras"), Ct);
        Assert.Equal(1, await CountMatchesAsync("zebras"));
    }

    private static HybridRecord<string> Record(int i, string body, float[]? embedding = null) =>
        new() { Key = $"k{i}", Body = body, Category = "c", Embedding = embedding ?? [1f, i / 10f, 0, 0] };

    private async Task AssertIndexIntegrityAsync(long expectedRows)
    {
        // FTS5's own check of an external-content index against its content table (rank 1 = compare with the content).
        await ExecuteAsync($"INSERT INTO \"{IndexTable}\"(\"{IndexTable}\", rank) VALUES ('integrity-check', 1);");
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM \"{Collection}\";";
        Assert.Equal(expectedRows, (long)(await command.ExecuteScalarAsync(Ct))!);
    }

    private async Task<int> CountMatchesAsync(string match)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM \"{IndexTable}\" WHERE \"{IndexTable}\" MATCH @match;";
        _ = command.Parameters.AddWithValue("@match", match);
        return (int)(long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task ExecuteAsync(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        _ = await command.ExecuteNonQueryAsync(Ct);
    }
}
