using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;

/// <summary>A record with a full-text property, for <see cref="HybridSearchConformanceTests{TKey}"/>.</summary>
/// <typeparam name="TKey">The store's key type.</typeparam>
public sealed class HybridRecord<TKey>
    where TKey : notnull
{
    [VectorStoreKey]
    public TKey Key { get; set; } = default!;

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = string.Empty;

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Body { get; set; } = string.Empty;

    [VectorStoreVector(4, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}

/// <summary>
/// The hybrid-search contract (MEVD's <see cref="IKeywordHybridSearchable{TRecord}"/>) for stores that offer it: keyword and
/// vector candidates are retrieved independently (a record only the keywords find is returned), filters, top and skip are
/// honoured, and the keyword index follows every upsert and delete. Kept apart from <see cref="VectorStoreConformanceTests{TKey}"/>
/// because not every store has keyword search.
/// </summary>
/// <typeparam name="TKey">The key type the store is tested with.</typeparam>
[SuppressMessage("Trimming", "IL2026", Justification = "Tests use POCO mapping through reflection.")]
[SuppressMessage("AOT", "IL3050", Justification = "Tests use POCO mapping through reflection.")]
public abstract class HybridSearchConformanceTests<TKey> : IAsyncLifetime
    where TKey : notnull
{
    private const int RecordCount = 20;
    private static readonly float[] Query = [1, 0, 0, 0];

    private VectorStore? _store;

    /// <summary>The store under test.</summary>
    protected VectorStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Cancels when the test is aborted.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates a fresh store for one test.</summary>
    protected abstract Task<VectorStore> CreateStoreAsync();

    /// <summary>Returns the key number <paramref name="i"/>; distinct <paramref name="i"/> give distinct keys.</summary>
    protected abstract TKey Key(int i);

    /// <inheritdoc />
    public virtual async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task HybridSearchAsync_RecordOnlyTheKeywordsFind_IsReturned()
    {
        var (collection, hybrid) = await SeedAsync();

        var vectorOnly = await collection.SearchAsync(Query, 3, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        var results = await hybrid.HybridSearchAsync(Query, ["zebra"], 3, cancellationToken: Ct).ToListAsync(Ct);

        Assert.DoesNotContain(Key(19), vectorOnly);
        Assert.Contains(Key(19), results.Select(r => r.Record.Key));
        Assert.All(results, r => Assert.NotNull(r.Score));
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Score >= p.Second.Score), "Results come best first.");
    }

    [Fact]
    public async Task HybridSearchAsync_RecordInBothRankings_ComesFirst()
    {
        var (_, hybrid) = await SeedAsync();

        // Record 1 is second by vector and the only one with "heron": both rankings agree on it, so it beats record 0.
        var results = await hybrid.HybridSearchAsync(Query, ["heron"], 5, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(Key(1), results[0].Record.Key);
    }

    [Fact]
    public async Task HybridSearchAsync_Filter_AppliesToKeywordAndVectorCandidates()
    {
        var (_, hybrid) = await SeedAsync();

        var results = await hybrid.HybridSearchAsync(
            Query,
            ["zebra", "heron"],
            RecordCount,
            new HybridSearchOptions<HybridRecord<TKey>> { Filter = r => r.Category == "odd" },
            Ct).ToListAsync(Ct);

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal("odd", r.Record.Category));
        Assert.Contains(Key(19), results.Select(r => r.Record.Key));
        Assert.Contains(Key(1), results.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task HybridSearchAsync_TopAndSkip_PageThroughOneRanking()
    {
        var (_, hybrid) = await SeedAsync();

        var all = await hybrid.HybridSearchAsync(Query, ["zebra", "heron"], 6, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        var first = await hybrid.HybridSearchAsync(Query, ["zebra", "heron"], 3, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        var second = await hybrid.HybridSearchAsync(Query, ["zebra", "heron"], 3, new HybridSearchOptions<HybridRecord<TKey>> { Skip = 3 }, Ct)
            .Select(r => r.Record.Key).ToListAsync(Ct);

        Assert.Equal(6, all.Count);
        Assert.Equal(all, first.Concat(second));
    }

    [Fact]
    public async Task HybridSearchAsync_AfterUpsertChangesTheText_FindsTheNewWordsNotTheOld()
    {
        var (collection, hybrid) = await SeedAsync();

        await collection.UpsertAsync(Record(19, "the quick giraffe", Far(), "odd"), Ct);

        var zebra = await hybrid.HybridSearchAsync(Query, ["zebra"], 3, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        var giraffe = await hybrid.HybridSearchAsync(Query, ["giraffe"], 3, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        Assert.DoesNotContain(Key(19), zebra);
        Assert.Contains(Key(19), giraffe);
    }

    [Fact]
    public async Task HybridSearchAsync_AfterDelete_NoLongerFindsTheRecord()
    {
        var (collection, hybrid) = await SeedAsync();

        await collection.DeleteAsync(Key(19), Ct);
        await collection.DeleteAsync([Key(1)], Ct);

        var results = await hybrid.HybridSearchAsync(Query, ["zebra", "heron"], RecordCount, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        Assert.Equal(RecordCount - 2, results.Count);
        Assert.DoesNotContain(Key(19), results);
        Assert.DoesNotContain(Key(1), results);
    }

    [Fact]
    public async Task HybridSearchAsync_NoKeywordMatch_IsTheVectorRanking()
    {
        var (collection, hybrid) = await SeedAsync();

        var vector = await collection.SearchAsync(Query, 5, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);
        var hybridKeys = await hybrid.HybridSearchAsync(Query, ["nothing-matches-this", "the"], 5, cancellationToken: Ct).Select(r => r.Record.Key).ToListAsync(Ct);

        Assert.Equal(vector, hybridKeys);
    }

    [Fact]
    public async Task HybridSearchAsync_IncludeVectors_ReturnsThem()
    {
        var (_, hybrid) = await SeedAsync();

        var results = await hybrid.HybridSearchAsync(Query, ["zebra"], 2, new HybridSearchOptions<HybridRecord<TKey>> { IncludeVectors = true }, Ct).ToListAsync(Ct);

        Assert.All(results, r => Assert.Equal(4, r.Record.Embedding.Length));
    }

    [Fact]
    public async Task HybridSearchAsync_RecordWithoutFullTextProperty_Throws()
    {
        var collection = Store.GetCollection<TKey, ConformanceRecord<TKey>>("nofulltext");
        await collection.EnsureCollectionExistsAsync(Ct);
        var hybrid = Assert.IsAssignableFrom<IKeywordHybridSearchable<ConformanceRecord<TKey>>>(collection);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await hybrid.HybridSearchAsync(Query, ["x"], 1, cancellationToken: Ct).ToListAsync(Ct));
    }

    /// <summary>
    /// Twenty records whose vectors move away from <see cref="Query"/> with the index; the farthest (19) alone says "zebra",
    /// the second nearest (1) alone says "heron". Odd indexes are in category "odd".
    /// </summary>
    protected async Task<(VectorStoreCollection<TKey, HybridRecord<TKey>> Collection, IKeywordHybridSearchable<HybridRecord<TKey>> Hybrid)> SeedAsync(string name = "hybrid")
    {
        var collection = Store.GetCollection<TKey, HybridRecord<TKey>>(name);
        await collection.EnsureCollectionExistsAsync(Ct);
        var records = Enumerable.Range(0, RecordCount).Select(i => Record(
            i,
            i switch
            {
                19 => "a zebra crossed the savannah",
                1 => "a grey heron by the river",
                _ => $"plain filler text number {i}",
            },
            i == 19 ? Far() : [1f, i / 4f, 0, 0],
            i % 2 == 1 ? "odd" : "even"));
        await collection.UpsertAsync(records, Ct);
        return (collection, Assert.IsAssignableFrom<IKeywordHybridSearchable<HybridRecord<TKey>>>(collection));
    }

    /// <summary>A record.</summary>
    protected HybridRecord<TKey> Record(int i, string body, float[] embedding, string category) =>
        new() { Key = Key(i), Body = body, Embedding = embedding, Category = category };

    private static float[] Far() => [-1f, 0, 0, 1f];
}
