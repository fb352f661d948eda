using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;

/// <summary>
/// The contract every <see cref="VectorStore"/> of the suite must meet: CRUD, search order and scores per distance
/// function, score threshold, skip/top, filters, dimension errors, empty collections, IncludeVectors, concurrent use and
/// the collection lifecycle. A store's test class derives from this and supplies the store and keys; each test gets a
/// fresh store (xunit creates one class instance per test) and its own collection.
/// </summary>
/// <typeparam name="TKey">The key type the store is tested with.</typeparam>
[SuppressMessage("Trimming", "IL2026", Justification = "Tests use POCO mapping through reflection.")]
[SuppressMessage("AOT", "IL3050", Justification = "Tests use POCO mapping through reflection.")]
public abstract class VectorStoreConformanceTests<TKey> : IAsyncLifetime
    where TKey : notnull
{
    /// <summary>Every MEVD distance function a dense-vector store might offer; see <see cref="SupportedDistanceFunctions"/>.</summary>
    public static readonly TheoryData<string> DistanceFunctions =
    [
        DistanceFunction.CosineSimilarity,
        DistanceFunction.CosineDistance,
        DistanceFunction.DotProductSimilarity,
        DistanceFunction.NegativeDotProductSimilarity,
        DistanceFunction.EuclideanDistance,
        DistanceFunction.EuclideanSquaredDistance,
    ];

    private VectorStore? _store;

    /// <summary>The store under test.</summary>
    protected VectorStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>The distance functions the store supports; tests of others are skipped.</summary>
    protected virtual IReadOnlySet<string> SupportedDistanceFunctions { get; } = new HashSet<string>(DistanceFunctions.Select(d => (string)d.Data));

    /// <summary>
    /// The largest relative difference a read-back vector component may have from the written one: 0 for stores that keep
    /// vectors exactly; a store that normalises cosine vectors (Chroma) gives back the last float32 digit changed.
    /// </summary>
    protected virtual float VectorTolerance => 0f;

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

    // ---------------------------------------------------------------- CRUD

    [Fact]
    public async Task UpsertAsync_NewRecord_GetAsyncReturnsItsData()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [1, 2, 3, 4], category: "books", title: "Dune", rating: 5, price: 9.5, inStock: true, tags: ["sf", "classic"]), Ct);

        var record = await collection.GetAsync(Key(1), cancellationToken: Ct);

        Assert.NotNull(record);
        Assert.Equal(Key(1), record.Key);
        Assert.Equal("books", record.Category);
        Assert.Equal("Dune", record.Title);
        Assert.Equal(5, record.Rating);
        Assert.Equal(9.5, record.Price);
        Assert.True(record.InStock);
        Assert.Equal(["sf", "classic"], record.Tags);
    }

    [Fact]
    public async Task UpsertAsync_ExistingKey_ReplacesRecord()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [1, 0, 0, 0], title: "old"), Ct);
        await collection.UpsertAsync(Record(1, [0, 1, 0, 0], title: "new"), Ct);

        var record = await collection.GetAsync(Key(1), new RecordRetrievalOptions { IncludeVectors = true }, Ct);
        var all = await collection.GetAsync(r => true, 10, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("new", record!.Title);
        AssertVector([0f, 1f, 0f, 0f], record.Embedding);
        Assert.Single(all);
    }

    [Fact]
    public async Task UpsertAsync_Batch_StoresEveryRecord()
    {
        var collection = await CreateCollectionAsync();
        var batch = Enumerable.Range(0, 25).Select(i => Record(i, RandomVector(i), rating: i)).ToList();

        await collection.UpsertAsync(batch, Ct);

        var stored = await collection.GetAsync(Enumerable.Range(0, 25).Select(Key), cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 25), stored.Select(r => r.Rating).Order());
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [1, 0, 0, 0]), Ct);

        Assert.Null(await collection.GetAsync(Key(2), cancellationToken: Ct));
    }

    [Fact]
    public async Task GetAsync_ManyKeysSomeMissing_ReturnsOnlyExisting()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync([Record(1, [1, 0, 0, 0]), Record(3, [0, 0, 1, 0])], Ct);

        var found = await collection.GetAsync([Key(1), Key(2), Key(3)], cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(new HashSet<TKey> { Key(1), Key(3) }, found.Select(r => r.Key).ToHashSet());
    }

    [Fact]
    public async Task GetAsync_IncludeVectorsTrue_ReturnsStoredVector()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [0.5f, -1.25f, 3, 0]), Ct);

        var record = await collection.GetAsync(Key(1), new RecordRetrievalOptions { IncludeVectors = true }, Ct);

        AssertVector([0.5f, -1.25f, 3f, 0f], record!.Embedding);
    }

    [Fact]
    public async Task GetAsync_IncludeVectorsFalse_LeavesVectorEmpty()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [0.5f, -1.25f, 3, 0]), Ct);

        var record = await collection.GetAsync(Key(1), cancellationToken: Ct);
        var searched = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).SingleAsync(Ct);

        Assert.True(record!.Embedding.IsEmpty);
        Assert.True(searched.Record.Embedding.IsEmpty);
    }

    [Fact]
    public async Task SearchAsync_IncludeVectorsTrue_ReturnsStoredVector()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [0.5f, -1.25f, 3, 0]), Ct);

        var result = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, new VectorSearchOptions<ConformanceRecord<TKey>> { IncludeVectors = true }, Ct).SingleAsync(Ct);

        AssertVector([0.5f, -1.25f, 3f, 0f], result.Record.Embedding);
    }

    [Fact]
    public async Task DeleteAsync_ExistingKey_RemovesItFromGetAndSearch()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync([Record(1, [1, 0, 0, 0]), Record(2, [0.9f, 0.1f, 0, 0])], Ct);
        _ = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 5, cancellationToken: Ct).ToListAsync(Ct); // warm any search cache

        await collection.DeleteAsync(Key(1), Ct);

        Assert.Null(await collection.GetAsync(Key(1), cancellationToken: Ct));
        var results = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 5, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal([Key(2)], results.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task DeleteAsync_ManyKeysIncludingMissing_RemovesExistingOnes()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 5).Select(i => Record(i, RandomVector(i))), Ct);

        await collection.DeleteAsync([Key(0), Key(2), Key(99)], Ct);

        var left = await collection.GetAsync(Enumerable.Range(0, 5).Select(Key), cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(new HashSet<TKey> { Key(1), Key(3), Key(4) }, left.Select(r => r.Key).ToHashSet());
    }

    [Fact]
    public async Task SearchAsync_AfterUpsertAndDelete_SeesTheChanges()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [0, 1, 0, 0]), Ct);
        var before = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).SingleAsync(Ct);

        await collection.UpsertAsync(Record(2, [1, 0, 0, 0]), Ct);
        var afterUpsert = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).SingleAsync(Ct);
        await collection.DeleteAsync(Key(2), Ct);
        var afterDelete = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).SingleAsync(Ct);

        Assert.Equal(Key(1), before.Record.Key);
        Assert.Equal(Key(2), afterUpsert.Record.Key);
        Assert.Equal(Key(1), afterDelete.Record.Key);
    }

    // ---------------------------------------------------------------- search order, scores, paging

    [Fact]
    public async Task SearchAsync_CosineSimilarity_ReturnsNearestFirst()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(
        [
            Record(1, [0, 1, 0, 0]),
            Record(2, [1, 0.1f, 0, 0]),
            Record(3, [1, 1, 0, 0]),
            Record(4, [-1, 0, 0, 0]),
        ],
            Ct);

        var results = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 4, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal([Key(2), Key(3), Key(1), Key(4)], results.Select(r => r.Record.Key));
    }

    [Theory]
    [MemberData(nameof(DistanceFunctions))]
    public async Task SearchAsync_EachDistanceFunction_RanksAndScoresAsDefined(string distanceFunction)
    {
        Assert.SkipUnless(SupportedDistanceFunctions.Contains(distanceFunction), $"The store does not support {distanceFunction}.");
        var collection = await CreateCollectionAsync(distanceFunction);
        float[][] vectors = [[1, 0, 0, 0], [0.8f, 0.6f, 0, 0], [0, 1, 0, 0], [-1, 0, 0, 0], [2, 2, 0, 0.5f]];
        await collection.UpsertAsync(vectors.Select((v, i) => Record(i, v)), Ct);
        float[] query = [1, 0.5f, 0, 0];

        var results = await collection.SearchAsync(query, vectors.Length, cancellationToken: Ct).ToListAsync(Ct);

        var expected = vectors
            .Select((v, i) => (Key: Key(i), Score: ExpectedScore(distanceFunction, query, v)))
            .ToList();
        expected = HigherIsBetter(distanceFunction)
            ? [.. expected.OrderByDescending(e => e.Score)]
            : [.. expected.OrderBy(e => e.Score)];
        Assert.Equal(expected.Select(e => e.Key), results.Select(r => r.Record.Key));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.NotNull(results[i].Score);
            Assert.Equal(expected[i].Score, results[i].Score!.Value, 1e-4);
        }
    }

    [Fact]
    public async Task SearchAsync_Top_LimitsResultCount()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record(i, RandomVector(i))), Ct);

        var results = await collection.SearchAsync(RandomVector(1000), 7, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(7, results.Count);
    }

    [Fact]
    public async Task SearchAsync_Skip_ReturnsTheNextPage()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record(i, RandomVector(i))), Ct);
        var query = RandomVector(1000);

        var all = await collection.SearchAsync(query, 10, cancellationToken: Ct).ToListAsync(Ct);
        var page = await collection.SearchAsync(query, 4, new VectorSearchOptions<ConformanceRecord<TKey>> { Skip = 3 }, Ct).ToListAsync(Ct);

        Assert.Equal(all.Skip(3).Take(4).Select(r => r.Record.Key), page.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task SearchAsync_ManyRecords_MatchesBruteForceTopTen()
    {
        var collection = await CreateCollectionAsync(DistanceFunction.CosineSimilarity, dimensions: 16);
        var vectors = Enumerable.Range(0, 300).Select(i => RandomVector(i, 16)).ToList();
        await collection.UpsertAsync(vectors.Select((v, i) => Record(i, v)), Ct);
        var query = RandomVector(5000, 16);

        var results = await collection.SearchAsync(query, 10, cancellationToken: Ct).ToListAsync(Ct);

        var expected = vectors.Select((v, i) => (Key: Key(i), Score: ExpectedScore(DistanceFunction.CosineSimilarity, query, v)))
            .OrderByDescending(e => e.Score).Take(10).ToList();
        Assert.Equal(expected.Select(e => e.Key), results.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task SearchAsync_ScoreThresholdOnSimilarity_DropsLessSimilarResults()
    {
        var collection = await CreateCollectionAsync(DistanceFunction.CosineSimilarity);
        await collection.UpsertAsync([Record(1, [1, 0, 0, 0]), Record(2, [0.8f, 0.6f, 0, 0]), Record(3, [0, 1, 0, 0])], Ct);

        var results = await collection.SearchAsync(
            new float[] { 1, 0, 0, 0 }, 10, new VectorSearchOptions<ConformanceRecord<TKey>> { ScoreThreshold = 0.75 }, Ct).ToListAsync(Ct);

        Assert.Equal([Key(1), Key(2)], results.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task SearchAsync_ScoreThresholdOnDistance_DropsMoreDistantResults()
    {
        Assert.SkipUnless(SupportedDistanceFunctions.Contains(DistanceFunction.EuclideanDistance), "The store does not support EuclideanDistance.");
        var collection = await CreateCollectionAsync(DistanceFunction.EuclideanDistance);
        await collection.UpsertAsync([Record(1, [1, 0, 0, 0]), Record(2, [1, 0.5f, 0, 0]), Record(3, [1, 2, 0, 0])], Ct);

        var results = await collection.SearchAsync(
            new float[] { 1, 0, 0, 0 }, 10, new VectorSearchOptions<ConformanceRecord<TKey>> { ScoreThreshold = 0.6 }, Ct).ToListAsync(Ct);

        Assert.Equal([Key(1), Key(2)], results.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task SearchAsync_EmptyCollection_ReturnsNoResults()
    {
        var collection = await CreateCollectionAsync();

        var results = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 5, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Empty(results);
    }

    [Fact]
    public async Task SearchAsync_EmbeddingAndArrayInputs_GiveTheSameResults()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 10).Select(i => Record(i, RandomVector(i))), Ct);
        var query = RandomVector(77);

        var fromArray = await collection.SearchAsync(query, 3, cancellationToken: Ct).ToListAsync(Ct);
        var fromMemory = await collection.SearchAsync(new ReadOnlyMemory<float>(query), 3, cancellationToken: Ct).ToListAsync(Ct);
        var fromEmbedding = await collection.SearchAsync(new Microsoft.Extensions.AI.Embedding<float>(query), 3, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(fromArray.Select(r => r.Record.Key), fromMemory.Select(r => r.Record.Key));
        Assert.Equal(fromArray.Select(r => r.Record.Key), fromEmbedding.Select(r => r.Record.Key));
    }

    // ---------------------------------------------------------------- dimensions

    [Fact]
    public async Task UpsertAsync_WrongVectorDimension_ThrowsArgumentExceptionNamingExpectedAndActual()
    {
        var collection = await CreateCollectionAsync();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => collection.UpsertAsync(Record(1, [1, 2, 3]), Ct));

        Assert.Contains("3", error.Message, StringComparison.Ordinal);
        Assert.Contains("4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_BatchWithOneWrongDimension_StoresNothing()
    {
        var collection = await CreateCollectionAsync();

        _ = await Assert.ThrowsAnyAsync<ArgumentException>(() => collection.UpsertAsync([Record(1, [1, 0, 0, 0]), Record(2, [1, 0])], Ct));

        Assert.Null(await collection.GetAsync(Key(1), cancellationToken: Ct));
    }

    [Fact]
    public async Task SearchAsync_WrongQueryDimension_ThrowsArgumentException()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [1, 0, 0, 0]), Ct);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(
            async () => await collection.SearchAsync(new float[] { 1, 0 }, 3, cancellationToken: Ct).ToListAsync(Ct));

        Assert.Contains("2", error.Message, StringComparison.Ordinal);
        Assert.Contains("4", error.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- filters

    [Fact]
    public async Task SearchAsync_EqualityFilter_ReturnsOnlyMatchingRecords()
    {
        var collection = await CreateFilterFixtureAsync();

        var results = await SearchKeysAsync(collection, r => r.Category == "books");

        Assert.Equal(new HashSet<TKey> { Key(1), Key(2), Key(3) }, results);
    }

    [Fact]
    public async Task SearchAsync_AndWithNumericComparison_ReturnsIntersection()
    {
        var collection = await CreateFilterFixtureAsync();

        var results = await SearchKeysAsync(collection, r => r.Category == "books" && r.Rating >= 4);

        Assert.Equal(new HashSet<TKey> { Key(1), Key(3) }, results);
    }

    [Fact]
    public async Task SearchAsync_NumericComparisons_FollowCSharpSemantics()
    {
        var collection = await CreateFilterFixtureAsync();
        var limit = 10.0; // captured variable

        Assert.Equal(new HashSet<TKey> { Key(1), Key(4) }, await SearchKeysAsync(collection, r => r.Price < limit));
        Assert.Equal(new HashSet<TKey> { Key(1), Key(4), Key(5) }, await SearchKeysAsync(collection, r => r.Price <= 20));
        Assert.Equal(new HashSet<TKey> { Key(2), Key(3) }, await SearchKeysAsync(collection, r => r.Price > 20));
        Assert.Equal(new HashSet<TKey> { Key(1), Key(5) }, await SearchKeysAsync(collection, r => 3 == r.Rating || 5 == r.Rating || (r.Rating > 5 && r.Rating < 2)));
    }

    [Fact]
    public async Task SearchAsync_OrNotAndBoolFilters_ReturnMatchingRecords()
    {
        var collection = await CreateFilterFixtureAsync();

        Assert.Equal(new HashSet<TKey> { Key(1), Key(2), Key(3), Key(4) }, await SearchKeysAsync(collection, r => r.Category == "books" || r.Category == "music"));
        Assert.Equal(new HashSet<TKey> { Key(1), Key(3), Key(5) }, await SearchKeysAsync(collection, r => r.InStock));
        Assert.Equal(new HashSet<TKey> { Key(2), Key(4) }, await SearchKeysAsync(collection, r => !r.InStock));
        Assert.Equal(new HashSet<TKey> { Key(4), Key(5) }, await SearchKeysAsync(collection, r => r.Category != "books"));
    }

    [Fact]
    public async Task SearchAsync_NotEqualOnNullableField_IncludesNulls()
    {
        var collection = await CreateFilterFixtureAsync();

        var results = await SearchKeysAsync(collection, r => r.Title != "Dune");

        Assert.Equal(new HashSet<TKey> { Key(2), Key(3), Key(4), Key(5) }, results); // 5 has a null title
    }

    [Fact]
    public async Task SearchAsync_NullComparison_MatchesMissingValues()
    {
        var collection = await CreateFilterFixtureAsync();

        Assert.Equal(new HashSet<TKey> { Key(5) }, await SearchKeysAsync(collection, r => r.Title == null));
    }

    [Fact]
    public async Task SearchAsync_ContainsFilters_MatchListFieldsAndConstantLists()
    {
        var collection = await CreateFilterFixtureAsync();
        var wanted = new[] { "music", "games" };

        Assert.Equal(new HashSet<TKey> { Key(1), Key(3) }, await SearchKeysAsync(collection, r => r.Tags.Contains("classic")));
        Assert.Equal(new HashSet<TKey> { Key(4), Key(5) }, await SearchKeysAsync(collection, r => wanted.Contains(r.Category)));
        Assert.Equal(new HashSet<TKey> { Key(1), Key(2) }, await SearchKeysAsync(collection, r => new[] { "Dune", "Emma" }.Contains(r.Title!)));
    }

    [Fact]
    public async Task SearchAsync_Filter_StillRanksBySimilarity()
    {
        var collection = await CreateFilterFixtureAsync();

        var results = await collection.SearchAsync(
            new float[] { 0, 0, 1, 0 }, 2, new VectorSearchOptions<ConformanceRecord<TKey>> { Filter = r => r.Category == "books" }, Ct).ToListAsync(Ct);

        Assert.Equal([Key(3), Key(2)], results.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task GetAsync_Filter_ReturnsMatchingRecordsWithTopSkipAndOrder()
    {
        var collection = await CreateFilterFixtureAsync();

        var all = await collection.GetAsync(r => r.Rating >= 2, 10, new FilteredRecordRetrievalOptions<ConformanceRecord<TKey>>
        {
            OrderBy = o => o.Descending(r => r.Rating),
        }, Ct).ToListAsync(Ct);
        var page = await collection.GetAsync(r => r.Rating >= 2, 2, new FilteredRecordRetrievalOptions<ConformanceRecord<TKey>>
        {
            OrderBy = o => o.Ascending(r => r.Price),
            Skip = 1,
            IncludeVectors = true,
        }, Ct).ToListAsync(Ct);

        Assert.Equal([5, 4, 3, 2], all.Select(r => r.Rating));
        Assert.Equal([Key(5), Key(3)], page.Select(r => r.Key)); // rating >= 2 by ascending price: 1 (9), 5 (15), 3 (25), 2 (30.5)
        Assert.Equal(4, page[0].Embedding.Length);
    }

    [Fact]
    public async Task SearchAsync_UnsupportedFilter_ThrowsNotSupportedException()
    {
        var collection = await CreateFilterFixtureAsync();

        _ = await Assert.ThrowsAsync<NotSupportedException>(
            async () => await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 3, new VectorSearchOptions<ConformanceRecord<TKey>>
            {
                Filter = r => r.Title!.StartsWith('D'),
            }, Ct).ToListAsync(Ct));
    }

    // ---------------------------------------------------------------- concurrency

    [Fact]
    public async Task ConcurrentUpsertsAndSearches_LoseNoWrites()
    {
        const int Writers = 8;
        const int PerWriter = 40;
        var collection = await CreateCollectionAsync();
        using var start = new SemaphoreSlim(0);

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await start.WaitAsync(Ct);
            for (var i = 0; i < PerWriter; i++)
            {
                var n = (w * PerWriter) + i;
                await collection.UpsertAsync(Record(n, RandomVector(n), rating: n), Ct);
            }
        })).ToList();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            await start.WaitAsync(Ct);
            var seen = 0;
            for (var i = 0; i < 30; i++)
            {
                var results = await collection.SearchAsync(RandomVector(10_000 + i), 5, cancellationToken: Ct).ToListAsync(Ct);
                Assert.All(results, result => Assert.Equal(Key(result.Record.Rating), result.Record.Key));
                seen = Math.Max(seen, results.Count);
            }

            return seen;
        })).ToList();
        _ = start.Release(Writers + readers.Count);
        await Task.WhenAll(writers);
        _ = await Task.WhenAll(readers);

        var stored = await collection.GetAsync(Enumerable.Range(0, Writers * PerWriter).Select(Key), cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(Writers * PerWriter, stored.Count);
        var searched = await collection.SearchAsync(RandomVector(1), Writers * PerWriter, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(Writers * PerWriter, searched.Count);
    }

    // ---------------------------------------------------------------- lifecycle and metadata

    [Fact]
    public async Task CollectionLifecycle_EnsureListAndDelete_BehaveIdempotently()
    {
        var name = NewCollectionName();
        var collection = Store.GetCollection<TKey, ConformanceRecord<TKey>>(name);

        Assert.False(await collection.CollectionExistsAsync(Ct));
        Assert.False(await Store.CollectionExistsAsync(name, Ct));

        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(Record(1, [1, 0, 0, 0]), Ct);

        Assert.True(await collection.CollectionExistsAsync(Ct));
        Assert.Contains(name, await Store.ListCollectionNamesAsync(Ct).ToListAsync(Ct));
        Assert.NotNull(await collection.GetAsync(Key(1), cancellationToken: Ct)); // ensuring again kept the data

        await collection.EnsureCollectionDeletedAsync(Ct);
        await collection.EnsureCollectionDeletedAsync(Ct);
        await Store.EnsureCollectionDeletedAsync(name, Ct);

        Assert.False(await collection.CollectionExistsAsync(Ct));
        Assert.DoesNotContain(name, await Store.ListCollectionNamesAsync(Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task EnsureCollectionExistsAsync_AfterDelete_StartsEmpty()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(Record(1, [1, 0, 0, 0]), Ct);
        _ = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).ToListAsync(Ct);

        await collection.EnsureCollectionDeletedAsync(Ct);
        await collection.EnsureCollectionExistsAsync(Ct);

        Assert.Null(await collection.GetAsync(Key(1), cancellationToken: Ct));
        Assert.Empty(await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task GetService_CollectionMetadata_NamesTheCollection()
    {
        var collection = await CreateCollectionAsync();

        var metadata = collection.GetService(typeof(VectorStoreCollectionMetadata)) as VectorStoreCollectionMetadata;
        var storeMetadata = Store.GetService(typeof(VectorStoreMetadata)) as VectorStoreMetadata;

        Assert.Equal(collection.Name, metadata?.CollectionName);
        Assert.False(string.IsNullOrEmpty(metadata?.VectorStoreSystemName));
        Assert.Equal(metadata?.VectorStoreSystemName, storeMetadata?.VectorStoreSystemName);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>A unique collection name (valid for every backend: letters and digits).</summary>
    /// <summary>Checks a read-back vector against the written one, within <see cref="VectorTolerance"/>.</summary>
    protected void AssertVector(float[] expected, ReadOnlyMemory<float> actual)
    {
        var got = actual.ToArray();
        if (VectorTolerance == 0f)
        {
            Assert.Equal(expected, got);
            return;
        }

        Assert.Equal(expected.Length, got.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(got[i] - expected[i]) <= VectorTolerance * Math.Max(1f, Math.Abs(expected[i])),
                $"Component {i}: expected {expected[i]}, got {got[i]} (tolerance {VectorTolerance}).");
        }
    }

    protected virtual string NewCollectionName() => "c" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Creates (and ensures) a collection of <see cref="ConformanceRecord{TKey}"/>.</summary>
    protected async Task<VectorStoreCollection<TKey, ConformanceRecord<TKey>>> CreateCollectionAsync(
        string distanceFunction = DistanceFunction.CosineSimilarity, int dimensions = ConformanceRecord<TKey>.Dimensions)
    {
        var collection = Store.GetCollection<TKey, ConformanceRecord<TKey>>(NewCollectionName(), ConformanceRecordDefinition.Create(distanceFunction, dimensions));
        await collection.EnsureCollectionExistsAsync(Ct);
        return collection;
    }

    /// <summary>Builds a record with key number <paramref name="i"/>.</summary>
    protected ConformanceRecord<TKey> Record(
        int i, float[] vector, string category = "misc", string? title = null, int rating = 0, double price = 0, bool inStock = false, string[]? tags = null)
        => new()
        {
            Key = Key(i),
            Category = category,
            Title = title,
            Rating = rating,
            Price = price,
            InStock = inStock,
            Tags = tags ?? [],
            Embedding = vector,
        };

    /// <summary>A deterministic pseudo-random vector.</summary>
    protected static float[] RandomVector(int seed, int dimensions = ConformanceRecord<TKey>.Dimensions)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    private async Task<VectorStoreCollection<TKey, ConformanceRecord<TKey>>> CreateFilterFixtureAsync()
    {
        var collection = await CreateCollectionAsync();
        await collection.UpsertAsync(
        [
            Record(1, [1, 0, 0, 0], category: "books", title: "Dune", rating: 5, price: 9, inStock: true, tags: ["sf", "classic"]),
            Record(2, [0, 1, 0.5f, 0], category: "books", title: "Emma", rating: 2, price: 30.5, inStock: false, tags: ["romance"]),
            Record(3, [0, 0, 1, 0], category: "books", title: "Ulysses", rating: 4, price: 25, inStock: true, tags: ["classic"]),
            Record(4, [0, 0, 0, 1], category: "music", title: "Kind of Blue", rating: 1, price: 10 - 0.01, inStock: false, tags: []),
            Record(5, [1, 1, 1, 1], category: "games", title: null, rating: 3, price: 15, inStock: true, tags: ["family"]),
        ],
            Ct);
        return collection;
    }

    private static async Task<HashSet<TKey>> SearchKeysAsync(
        VectorStoreCollection<TKey, ConformanceRecord<TKey>> collection, System.Linq.Expressions.Expression<Func<ConformanceRecord<TKey>, bool>> filter)
    {
        var searched = await collection.SearchAsync(new float[] { 1, 1, 1, 1 }, 100, new VectorSearchOptions<ConformanceRecord<TKey>> { Filter = filter }, Ct)
            .Select(r => r.Record.Key).ToListAsync(Ct);
        var got = await collection.GetAsync(filter, 100, cancellationToken: Ct).Select(r => r.Key).ToListAsync(Ct);

        // Search and filtered get must agree (they are different code paths in some stores).
        Assert.Equal(searched.ToHashSet(), got.ToHashSet());
        return [.. searched];
    }

    private static bool HigherIsBetter(string distanceFunction)
        => distanceFunction is DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity;

    private static double ExpectedScore(string distanceFunction, float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0, squared = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            normA += a[i] * (double)a[i];
            normB += b[i] * (double)b[i];
            squared += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        }

        var cosine = dot / (Math.Sqrt(normA) * Math.Sqrt(normB));
        return distanceFunction switch
        {
            DistanceFunction.CosineSimilarity => cosine,
            DistanceFunction.CosineDistance => 1 - cosine,
            DistanceFunction.DotProductSimilarity => dot,
            DistanceFunction.NegativeDotProductSimilarity => -dot,
            DistanceFunction.EuclideanDistance => Math.Sqrt(squared),
            DistanceFunction.EuclideanSquaredDistance => squared,
            _ => throw new ArgumentOutOfRangeException(nameof(distanceFunction)),
        };
    }
}
