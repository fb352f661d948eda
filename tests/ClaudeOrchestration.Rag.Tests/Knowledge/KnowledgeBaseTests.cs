using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeOrchestration.Rag.Tests.Knowledge;

/// <summary>The knowledge base over the real in-memory and SQLite vector stores.</summary>
public sealed class KnowledgeBaseTests : IDisposable
{
    private static readonly KnowledgeDocument[] Corpus =
    [
        new()
        {
            Id = "sqlite",
            Text = "The SQLite vector store persists records in a single database file. It runs in WAL mode so readers never block the writer, and every upsert is one transaction.",
            Project = "storage",
            SourcePath = "docs/sqlite.md",
            Tags = ["database", "persistence"],
        },
        new()
        {
            Id = "sessions",
            Text = "Sessions expire after an idle timeout. The expiry service runs in the background and deletes sessions nobody has read or changed for a day.",
            Project = "context",
            SourcePath = "docs/sessions.md",
            Tags = ["sessions"],
        },
        new()
        {
            Id = "chunking",
            Text = "Documents are split into chunks on paragraph and sentence boundaries, with a configurable overlap measured in tokens.",
            Project = "storage",
            SourcePath = "docs/chunking.md",
            Tags = ["ingest"],
        },
        new()
        {
            Id = "cooking",
            Text = "Knead the dough for ten minutes, let it rise for an hour, then bake the loaf at two hundred degrees.",
            Project = "kitchen",
            SourcePath = "recipes/bread.md",
            Tags = ["food"],
        },
    ];

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
    public async Task AddOrUpdateAsync_NewMultiChunkDocument_IsAddedAndGetRebuildsTextAndMetadata(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _, new KnowledgeBaseOptions { ChunkSize = 40, ChunkOverlap = 10 });
        var text = SampleText.Paragraphs(6, 4) + "Windows line\r\nendings are normalised.\r\n";

        var result = await kb.AddOrUpdateAsync(
            new KnowledgeDocument
            {
                Id = "guide",
                Text = text,
                Project = "p1",
                SourcePath = "docs/guide.md",
                Title = "Guide",
                Tags = ["a", "b"],
                Properties = new Dictionary<string, string> { ["author"] = "ada", ["version"] = "2" },
            },
            Ct);

        Assert.Equal(KnowledgeWriteStatus.Added, result.Status);
        Assert.True(result.ChunkCount > 5);
        var stored = await kb.GetAsync("guide", Ct);
        Assert.NotNull(stored);
        Assert.Equal(text.ReplaceLineEndings("\n"), stored.Text);
        Assert.Equal(result.ContentHash, stored.ContentHash);
        Assert.Equal(result.ChunkCount, stored.ChunkCount);
        Assert.Equal(("p1", "docs/guide.md", "Guide"), (stored.Project, stored.SourcePath, stored.Title));
        Assert.Equal(["a", "b"], stored.Tags);
        Assert.Equal("ada", stored.Properties["author"]);
        Assert.Equal(1, kb.Version);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_SameDocumentAgain_IsUnchangedAndEmbedsNothing(StoreKind kind)
    {
        var generator = new CountingEmbeddingGenerator();
        var kb = CreateKnowledgeBase(kind, out _, generator: generator);
        await kb.AddOrUpdateAsync(Corpus[0], Ct);
        var valuesAfterFirst = generator.Values;

        var again = await kb.AddOrUpdateAsync(Corpus[0], Ct);

        Assert.Equal(KnowledgeWriteStatus.Unchanged, again.Status);
        Assert.Equal(valuesAfterFirst, generator.Values);
        Assert.Equal(1, kb.Version);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_SameAnonymousTextTwice_IsStoredOnceUnderItsHash(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);

        var first = await kb.AddOrUpdateAsync(new KnowledgeDocument { Text = "An anonymous note about vector search." }, Ct);
        var second = await kb.AddOrUpdateAsync(new KnowledgeDocument { Text = "An anonymous note about vector search." }, Ct);

        Assert.Equal(first.ContentHash, first.DocumentId);
        Assert.Equal(first.DocumentId, second.DocumentId);
        Assert.Equal(KnowledgeWriteStatus.Unchanged, second.Status);
        Assert.Single(await kb.SearchAsync("anonymous note", new KnowledgeSearchOptions { Top = 10 }, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_ShorterNewText_ReplacesAllOldChunks(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out var collection, new KnowledgeBaseOptions { ChunkSize = 30, ChunkOverlap = 5 });
        var old = await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "doc", Text = SampleText.Paragraphs(5, 4) }, Ct);

        var updated = await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "doc", Text = "Completely new content about zebras." }, Ct);

        Assert.True(old.ChunkCount > 3);
        Assert.Equal(KnowledgeWriteStatus.Updated, updated.Status);
        Assert.Equal(1, updated.ChunkCount);
        Assert.Equal("Completely new content about zebras.", (await kb.GetAsync("doc", Ct))!.Text);
        var remaining = new List<KnowledgeChunkRecord>();
        await foreach (var record in collection.GetAsync(r => r.DocumentId == "doc", 1000, cancellationToken: Ct))
        {
            remaining.Add(record);
        }

        Assert.Single(remaining);
        var hits = await kb.SearchAsync("vector store keeps every chunk", new KnowledgeSearchOptions { Top = 10 }, Ct);
        Assert.All(hits, h => Assert.Contains("zebras", h.Text, StringComparison.Ordinal));
        Assert.Equal(2, kb.Version);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_SameTextNewMetadata_IsUpdated(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        await kb.AddOrUpdateAsync(Corpus[0], Ct);

        var result = await kb.AddOrUpdateAsync(
            new KnowledgeDocument { Id = Corpus[0].Id, Text = Corpus[0].Text, Project = "moved", Tags = ["new-tag"] }, Ct);

        Assert.Equal(KnowledgeWriteStatus.Updated, result.Status);
        Assert.Equal("moved", (await kb.GetAsync(Corpus[0].Id!, Ct))!.Project);
        Assert.Single(await kb.SearchAsync("SQLite", new KnowledgeSearchOptions { Filter = new KnowledgeFilter { Tags = ["new-tag"] } }, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task DeleteAsync_ExistingDocument_RemovesEveryChunk(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out var collection, new KnowledgeBaseOptions { ChunkSize = 30, ChunkOverlap = 5 });
        await AddCorpusAsync(kb);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "long", Text = SampleText.Paragraphs(4, 4) }, Ct);

        Assert.True(await kb.DeleteAsync("long", Ct));

        Assert.Null(await kb.GetAsync("long", Ct));
        Assert.False(await kb.DeleteAsync("long", Ct));
        await foreach (var _ in collection.GetAsync(r => r.DocumentId == "long", 1000, cancellationToken: Ct))
        {
            Assert.Fail("a chunk of the deleted document is still stored");
        }

        var hits = await kb.SearchAsync("vector store keeps every chunk of text", new KnowledgeSearchOptions { Top = 20 }, Ct);
        Assert.DoesNotContain(hits, h => h.DocumentId == "long");
        Assert.NotEmpty(hits);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_Query_RanksTheRelevantDocumentFirst(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        await AddCorpusAsync(kb);

        var byTopic = new Dictionary<string, string>
        {
            ["which database file does the SQLite store use, and is it WAL?"] = "sqlite",
            ["when do idle sessions expire?"] = "sessions",
            ["how is a document split into chunks with overlap?"] = "chunking",
            ["how long should bread dough rise before baking?"] = "cooking",
        };

        foreach (var (query, expected) in byTopic)
        {
            var hits = await kb.SearchAsync(query, cancellationToken: Ct);
            Assert.Equal(expected, hits[0].DocumentId);
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score), "results must be best first");
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_Filters_ReturnOnlyMatchingMetadata(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        await AddCorpusAsync(kb);
        var wide = new KnowledgeSearchOptions { Top = 10 };

        var storage = await kb.SearchAsync("sessions database chunks bread", new KnowledgeSearchOptions { Top = 10, Filter = new KnowledgeFilter { Project = "storage" } }, Ct);
        var tagged = await kb.SearchAsync("sessions database chunks bread", new KnowledgeSearchOptions { Top = 10, Filter = new KnowledgeFilter { Tags = ["sessions"] } }, Ct);
        var both = await kb.SearchAsync("sessions database chunks bread", new KnowledgeSearchOptions { Top = 10, Filter = new KnowledgeFilter { Project = "storage", Tags = ["ingest"] } }, Ct);
        var bySource = await kb.SearchAsync("sessions database chunks bread", new KnowledgeSearchOptions { Top = 10, Filter = new KnowledgeFilter { SourcePath = "recipes/bread.md" } }, Ct);
        var none = await kb.SearchAsync("sessions database chunks bread", new KnowledgeSearchOptions { Top = 10, Filter = new KnowledgeFilter { Project = "no-such-project" } }, Ct);

        Assert.Equal(["chunking", "sqlite"], storage.Select(h => h.DocumentId).Order());
        Assert.All(storage, h => Assert.Equal("storage", h.Project));
        Assert.Equal("sessions", Assert.Single(tagged).DocumentId);
        Assert.Equal("chunking", Assert.Single(both).DocumentId);
        Assert.Equal("cooking", Assert.Single(bySource).DocumentId);
        Assert.Empty(none);
        Assert.Equal(4, (await kb.SearchAsync("sessions database chunks bread", wide, Ct)).Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_MinScore_DropsLessSimilarChunks(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        await AddCorpusAsync(kb);
        var all = await kb.SearchAsync("SQLite database file WAL", new KnowledgeSearchOptions { Top = 10, Hybrid = false }, Ct);
        var threshold = (all[0].Score + all[1].Score) / 2;

        var above = await kb.SearchAsync("SQLite database file WAL", new KnowledgeSearchOptions { Top = 10, MinScore = threshold, Hybrid = false }, Ct);
        var impossible = await kb.SearchAsync("SQLite database file WAL", new KnowledgeSearchOptions { Top = 10, MinScore = 0.999, Hybrid = false }, Ct);
        var hybridAbove = await kb.SearchAsync("SQLite database file WAL", new KnowledgeSearchOptions { Top = 10, MinScore = threshold }, Ct);

        // Hybrid applies the threshold to each candidate's vector score.
        Assert.Equal("sqlite", Assert.Single(hybridAbove).DocumentId);
        Assert.Equal(above[0].VectorScore, hybridAbove[0].VectorScore, 5);
        Assert.Equal(4, all.Count);
        Assert.Equal("sqlite", Assert.Single(above).DocumentId);
        Assert.Empty(impossible);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_Top_LimitsTheResults(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        await AddCorpusAsync(kb);

        Assert.Equal(2, (await kb.SearchAsync("sessions", new KnowledgeSearchOptions { Top = 2 }, Ct)).Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_Hybrid_LiftsTheChunkWithTheExactRareTerm(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        // Ten general documents about connection timeouts: close to the query in vector space. Only one document has the
        // exact, rare term the user typed, and it is far from the query by vector.
        for (var i = 0; i < 10; i++)
        {
            await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = $"general-{i}", Text = $"Connection timeouts on upstream server {i}: the connection times out when server {i} is slow." }, Ct);
        }

        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "code", Text = "Error E4711 is logged by the billing importer when its nightly batch stalls; restart the importer." }, Ct);
        const string query = "connection timeout E4711";

        var vectorOnly = await kb.SearchAsync(query, new KnowledgeSearchOptions { Top = 11, Hybrid = false }, Ct);
        var hybrid = await kb.SearchAsync(query, new KnowledgeSearchOptions { Top = 11 }, Ct);

        // Keyword and vector candidates are retrieved independently: "code" is the best keyword candidate (its rare term
        // outweighs the common ones), so reciprocal rank fusion ranks it above where the vector ranking alone put it.
        // (RRF guarantees that much, not first place: the general documents are in both rankings too.)
        var vectorRank = vectorOnly.ToList().FindIndex(r => r.DocumentId == "code");
        var hybridRank = hybrid.ToList().FindIndex(r => r.DocumentId == "code");
        Assert.True(vectorRank >= 3, $"the vector ranking put the rare-term chunk at {vectorRank}");
        Assert.InRange(hybridRank, 0, vectorRank - 1);
        Assert.All(vectorOnly, h => Assert.Null(h.KeywordScore));
        Assert.All(hybrid, h => Assert.InRange(h.VectorScore, -1, 1));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_StoreWithoutKeywordSearch_FallsBackToRerankingTheVectorCandidates(StoreKind kind)
    {
        // FaultingCollection forwards to the real collection but does not offer IKeywordHybridSearchable.
        var collection = new FaultingCollection(Harness(kind).OpenCollection());
        var kb = new KnowledgeBase(collection, new HashingEmbeddingGenerator());
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "general-1", Text = "Connections keep timing out when the upstream server is slow; reconnecting after the timeouts usually helps." }, Ct);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "general-2", Text = "Timeouts while connecting mean the server is overloaded; retry the connections later." }, Ct);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "code", Text = "Error E4711 is logged by the billing importer when its nightly batch stalls; restart the importer." }, Ct);

        var hybrid = await kb.SearchAsync("connection timeout E4711", new KnowledgeSearchOptions { Top = 3 }, Ct);

        Assert.Equal("code", hybrid[0].DocumentId);
        Assert.All(hybrid, h => Assert.NotNull(h.KeywordScore));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_Hybrid_HonoursTheFilter(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "a", Project = "alpha", Text = "Error E4711 in the alpha importer." }, Ct);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "b", Project = "beta", Text = "Error E4711 in the beta importer." }, Ct);

        var results = await kb.SearchAsync("E4711", new KnowledgeSearchOptions { Top = 5, Filter = new KnowledgeFilter { Project = "beta" } }, Ct);

        Assert.Equal("b", Assert.Single(results).DocumentId);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task KnowledgeBase_ReopenedStore_FindsWhatWasWrittenBefore(StoreKind kind)
    {
        var harness = Harness(kind);
        var first = new KnowledgeBase(harness.OpenCollection(), new HashingEmbeddingGenerator());
        await AddCorpusAsync(first);

        // A new store instance (a restart for SQLite; the same memory for the in-memory store).
        var second = new KnowledgeBase(harness.OpenCollection(), new HashingEmbeddingGenerator());

        Assert.Equal("sessions", (await second.SearchAsync("idle sessions expire", cancellationToken: Ct))[0].DocumentId);
        Assert.Equal(Corpus[3].Text, (await second.GetAsync("cooking", Ct))!.Text);
        Assert.Equal(KnowledgeWriteStatus.Unchanged, (await second.AddOrUpdateAsync(Corpus[1], Ct)).Status);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_WriteInterruptedBeforeTheFirstChunk_LeavesThePreviousVersionIntact(StoreKind kind)
    {
        var harness = Harness(kind);
        var faulty = new FaultingCollection(harness.OpenCollection());
        var kb = new KnowledgeBase(faulty, new HashingEmbeddingGenerator(), new KnowledgeBaseOptions { ChunkSize = 30, ChunkOverlap = 0 });
        var v1 = SampleText.Paragraphs(3, 3, seed: 1);
        var v2 = SampleText.Paragraphs(4, 3, seed: 2);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "doc", Text = v1 }, Ct);

        // The process "dies" when it writes chunk 0 of v2: the other v2 chunks are already stored.
        faulty.FailOnKey = "doc#0";
        await Assert.ThrowsAsync<IOException>(() => kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "doc", Text = v2 }, Ct));
        faulty.FailOnKey = null;
        var restarted = new KnowledgeBase(harness.OpenCollection(), new HashingEmbeddingGenerator(), new KnowledgeBaseOptions { ChunkSize = 30, ChunkOverlap = 0 });

        Assert.Equal(v1, (await restarted.GetAsync("doc", Ct))!.Text);
        Assert.Equal(KnowledgeWriteStatus.Updated, (await restarted.AddOrUpdateAsync(new KnowledgeDocument { Id = "doc", Text = v2 }, Ct)).Status);
        Assert.Equal(v2, (await restarted.GetAsync("doc", Ct))!.Text);
        var keys = new List<string>();
        await foreach (var record in harness.OpenCollection().GetAsync(r => r.DocumentId == "doc", 1000, cancellationToken: Ct))
        {
            keys.Add(record.Key);
        }

        Assert.Equal((await restarted.GetAsync("doc", Ct))!.ChunkCount, keys.Count); // the interrupted write's leftovers are gone
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task DeleteAsync_AfterAnInterruptedFirstWrite_RemovesTheLeftoverChunks(StoreKind kind)
    {
        var harness = Harness(kind);
        var faulty = new FaultingCollection(harness.OpenCollection()) { FailOnKey = "doc#0" };
        var kb = new KnowledgeBase(faulty, new HashingEmbeddingGenerator(), new KnowledgeBaseOptions { ChunkSize = 30, ChunkOverlap = 0 });
        await Assert.ThrowsAsync<IOException>(() => kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "doc", Text = SampleText.Paragraphs(3, 3) }, Ct));

        Assert.Null(await kb.GetAsync("doc", Ct)); // never completed, so it does not exist for readers
        Assert.True(await kb.DeleteAsync("doc", Ct));

        await foreach (var _ in harness.OpenCollection().GetAsync(r => r.DocumentId == "doc", 1000, cancellationToken: Ct))
        {
            Assert.Fail("a leftover chunk survived the delete");
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_EmptyText_ThrowsClearError(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "x", Text = " \n " }, Ct));

        Assert.Contains("has no text", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_DocumentOverTheLimit_ThrowsNamingTheLimit(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _, new KnowledgeBaseOptions { MaxDocumentCharacters = 1000 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "huge", Text = new string('a', 1001) }, Ct));

        Assert.Contains("MaxDocumentCharacters", error.Message, StringComparison.Ordinal);
        Assert.Null(await kb.GetAsync("huge", Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_GeneratorWithWrongDimensions_FailsAndStoresNothing(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _, generator: ScriptedEmbeddingGenerator.WithDimensions(256));

        var error = await Assert.ThrowsAsync<EmbeddingGenerationException>(() => kb.AddOrUpdateAsync(Corpus[0], Ct));

        Assert.Equal(384, error.ExpectedDimensions);
        Assert.Equal(256, error.ActualDimensions);
        Assert.Null(await kb.GetAsync(Corpus[0].Id!, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AddOrUpdateAsync_FailingGenerator_FailsAndStoresNothing(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _, generator: ScriptedEmbeddingGenerator.Throwing(new HttpRequestException("connection refused")));

        var error = await Assert.ThrowsAsync<EmbeddingGenerationException>(() => kb.AddOrUpdateAsync(Corpus[0], Ct));

        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Null(await kb.GetAsync(Corpus[0].Id!, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SearchAsync_InvalidFilterOrQuery_ThrowsClearErrors(StoreKind kind)
    {
        var kb = CreateKnowledgeBase(kind, out _);
        await AddCorpusAsync(kb);

        var emptyProject = await Assert.ThrowsAsync<ArgumentException>(() => kb.SearchAsync("x", new KnowledgeSearchOptions { Filter = new KnowledgeFilter { Project = " " } }, Ct));
        var emptyTag = await Assert.ThrowsAsync<ArgumentException>(() => kb.SearchAsync("x", new KnowledgeSearchOptions { Filter = new KnowledgeFilter { Tags = [""] } }, Ct));
        var emptyQuery = await Assert.ThrowsAsync<ArgumentException>(() => kb.SearchAsync("  ", cancellationToken: Ct));
        var badTop = await Assert.ThrowsAsync<ArgumentException>(() => kb.SearchAsync("x", new KnowledgeSearchOptions { Top = 0 }, Ct));
        var badScore = await Assert.ThrowsAsync<ArgumentException>(() => kb.SearchAsync("x", new KnowledgeSearchOptions { MinScore = 1.5 }, Ct));

        Assert.Contains("KnowledgeFilter.Project", emptyProject.Message, StringComparison.Ordinal);
        Assert.Contains("KnowledgeFilter.Tags", emptyTag.Message, StringComparison.Ordinal);
        Assert.Contains("query is empty", emptyQuery.Message, StringComparison.Ordinal);
        Assert.Contains("Top", badTop.Message, StringComparison.Ordinal);
        Assert.Contains("MinScore", badScore.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOrUpdateAsync_Timestamp_ComesFromTheTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var kb = new KnowledgeBase(Harness(StoreKind.InMemory).OpenCollection(), new HashingEmbeddingGenerator(), timeProvider: time);

        await kb.AddOrUpdateAsync(Corpus[0], Ct);

        Assert.Equal(time.GetUtcNow(), (await kb.GetAsync(Corpus[0].Id!, Ct))!.UpdatedAt);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task AddCorpusAsync(IKnowledgeBase kb)
    {
        foreach (var document in Corpus)
        {
            await kb.AddOrUpdateAsync(document, Ct);
        }
    }

    private StoreHarness Harness(StoreKind kind)
    {
        var harness = new StoreHarness(kind);
        _harnesses.Add(harness);
        return harness;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task KnowledgeBase_CollectionEmbeddedByAnotherModel_IsAClearErrorUntilReindexed(StoreKind kind)
    {
        var harness = Harness(kind);
        var old = new KnowledgeBase(harness.OpenCollection(), new HashingEmbeddingGenerator());
        await AddCorpusAsync(old);
        var before = await old.GetAsync("sqlite", Ct);

        // Same vector length, another model: its vectors must not be compared with the stored ones.
        using var otherModel = new HashingEmbeddingGenerator(new HashingEmbeddingGeneratorOptions { CharNGramWeight = 0.5f });
        var switched = new KnowledgeBase(harness.OpenCollection(), new RenamedGenerator(otherModel, "other-model"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => switched.SearchAsync("SQLite", cancellationToken: Ct));
        Assert.Contains("ReindexAsync", error.Message, StringComparison.Ordinal);
        Assert.Contains("other-model", error.Message, StringComparison.Ordinal);

        var reports = new List<IngestProgress>();
        var rewritten = await switched.ReindexAsync(new SynchronousProgress<IngestProgress>(reports.Add), Ct);

        Assert.Equal(4, rewritten);
        Assert.Equal(4, reports.Count);
        Assert.Equal(4, reports[^1].FilesProcessed);
        var after = await switched.GetAsync("sqlite", Ct);
        Assert.Equal(before!.Text, after!.Text);
        Assert.Equal(before.Tags, after.Tags);
        Assert.NotEmpty(await switched.SearchAsync("SQLite database file WAL", cancellationToken: Ct));
        Assert.Equal(0, await switched.ReindexAsync(cancellationToken: Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => new KnowledgeBase(harness.OpenCollection(), new HashingEmbeddingGenerator()).SearchAsync("SQLite", cancellationToken: Ct));
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class RenamedGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, string modelId) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, modelId, 384) : base.GetService(serviceType, serviceKey);
    }

    private KnowledgeBase CreateKnowledgeBase(
        StoreKind kind,
        out Microsoft.Extensions.VectorData.VectorStoreCollection<string, KnowledgeChunkRecord> collection,
        KnowledgeBaseOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? generator = null)
    {
        collection = Harness(kind).OpenCollection();
        return new KnowledgeBase(collection, generator ?? new HashingEmbeddingGenerator(), options);
    }
}
