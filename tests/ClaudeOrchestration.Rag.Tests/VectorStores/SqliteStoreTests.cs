using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Tests.VectorStores;

/// <summary>What only the SQLite store promises: persistence across restarts, crash consistency, WAL, type mapping.</summary>
[SuppressMessage("Trimming", "IL2026", Justification = "Tests use POCO mapping through reflection.")]
[SuppressMessage("AOT", "IL3050", Justification = "Tests use POCO mapping through reflection.")]
public sealed class SqliteStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => _directory.File("knowledge.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reopen_AfterDispose_FindsRecordsBySearchGetAndFilter()
    {
        var records = Enumerable.Range(0, 100).Select(i => CrashRecord.Create(1, i)).ToList();
        using (var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}"))
        {
            var collection = store.GetCollection<string, CrashRecord>("docs");
            await collection.EnsureCollectionExistsAsync(Ct);
            await collection.UpsertAsync(records, Ct);
            _ = await collection.SearchAsync(records[0].Embedding, 1, cancellationToken: Ct).ToListAsync(Ct);
        }

        using var reopened = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var again = reopened.GetCollection<string, CrashRecord>("docs");
        var nearest = await again.SearchAsync(records[42].Embedding, 1, new VectorSearchOptions<CrashRecord> { IncludeVectors = true }, Ct).SingleAsync(Ct);
        var byKey = await again.GetAsync(records[7].Id, cancellationToken: Ct);
        var byFilter = await again.GetAsync(r => r.Index >= 90, 100, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(records[42].Id, nearest.Record.Id);
        Assert.Equal(1d, nearest.Score!.Value, 1e-5);
        Assert.Equal(records[42].Embedding.ToArray(), nearest.Record.Embedding.ToArray());
        Assert.Equal(records[7].Payload, byKey!.Payload);
        Assert.Equal(10, byFilter.Count);
        Assert.Contains("docs", await reopened.ListCollectionNamesAsync(Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task CrashMidIngest_WriterKilled_DatabaseIntactAndEveryBatchComplete()
    {
        const int CommitsBeforeKill = 15;
        var assemblyPath = typeof(CrashWriter).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost(), ["exec", assemblyPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_STARTUP_HOOKS"] = assemblyPath;
        start.Environment[CrashWriter.DatabaseVariable] = DatabasePath;

        // This process's store object searches while the writer runs, so its cache is loaded before the last batches: the
        // searches after the kill must see them without reopening (they read the writer's entries in the change log).
        using var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var collection = store.GetCollection<string, CrashRecord>(CrashWriter.CollectionName);
        var lastCommitted = -1;
        var searchedWhileWriting = false;
        using (var writer = Process.Start(start) ?? throw new InvalidOperationException("Could not start the writer process."))
        {
            var stderr = writer.StandardError.ReadToEndAsync(Ct);
            try
            {
                while (lastCommitted < CommitsBeforeKill)
                {
                    var line = await writer.StandardOutput.ReadLineAsync(Ct)
                        ?? throw new InvalidOperationException($"The writer exited before committing {CommitsBeforeKill} batches: {await stderr}");
                    if (line.StartsWith("committed ", StringComparison.Ordinal))
                    {
                        lastCommitted = int.Parse(line["committed ".Length..], CultureInfo.InvariantCulture);
                    }

                    if (lastCommitted >= 0 && !searchedWhileWriting)
                    {
                        var first = CrashRecord.Create(0, 1);
                        Assert.Equal(first.Id, (await collection.SearchAsync(first.Embedding, 1, cancellationToken: Ct).SingleAsync(Ct)).Record.Id);
                        searchedWhileWriting = true;
                    }
                }
            }
            finally
            {
                // SIGKILL while it keeps writing: most of its time is spent inside an upsert transaction.
                writer.Kill(entireProcessTree: true);
                await writer.WaitForExitAsync(Ct);
            }

            // The writer ran ahead of what we had read: take its last report from the rest of the pipe.
            foreach (var line in (await writer.StandardOutput.ReadToEndAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith("committed ", StringComparison.Ordinal))
                {
                    lastCommitted = int.Parse(line["committed ".Length..], CultureInfo.InvariantCulture);
                }
            }
        }

        // The file as the killed process left it (WAL and all): SQLite's own consistency check first.
        using (var raw = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            raw.Open();
            using var check = raw.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", (string?)check.ExecuteScalar());
        }

        var stored = await collection.GetAsync(r => r.Batch >= 0, int.MaxValue, new FilteredRecordRetrievalOptions<CrashRecord> { IncludeVectors = true }, Ct).ToListAsync(Ct);
        var batches = stored.GroupBy(r => r.Batch).ToDictionary(g => g.Key, g => g.Count());

        // Every batch reported committed is there; at most the one in flight when killed also made it; none is partial.
        Assert.InRange(batches.Count, lastCommitted + 1, lastCommitted + 2);
        Assert.Equal(Enumerable.Range(0, batches.Count), batches.Keys.Order());
        Assert.All(batches, b => Assert.Equal(CrashWriter.BatchSize, b.Value));
        Assert.All(stored, record =>
        {
            var expected = CrashRecord.Create(record.Batch, record.Index);
            Assert.Equal(expected.Id, record.Id);
            Assert.Equal(expected.Payload, record.Payload);
            Assert.Equal(expected.Embedding.ToArray(), record.Embedding.ToArray());
        });

        var probe = CrashRecord.Create(lastCommitted, 5);
        var nearest = await collection.SearchAsync(probe.Embedding, 1, cancellationToken: Ct).SingleAsync(Ct);
        Assert.Equal(probe.Id, nearest.Record.Id);

        // The keyword index (FTS5, written by triggers in the same transactions) matches the surviving records exactly.
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            using var check = connection.CreateCommand();
            check.CommandText = "INSERT INTO \"ingest__fts_Payload\"(\"ingest__fts_Payload\", rank) VALUES ('integrity-check', 1);";
            _ = await check.ExecuteNonQueryAsync(Ct);
        }

        var hybrid = await ((IKeywordHybridSearchable<CrashRecord>)collection)
            .HybridSearchAsync(probe.Embedding, [probe.Payload], 1, cancellationToken: Ct).SingleAsync(Ct);
        Assert.Equal(probe.Id, hybrid.Record.Id);
    }

    [Fact]
    public async Task Database_AfterFirstUse_IsInWalJournalMode()
    {
        using (var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}"))
        {
            await store.GetCollection<string, CrashRecord>("docs").EnsureCollectionExistsAsync(Ct);
        }

        using var raw = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)command.ExecuteScalar());
    }

    [Fact]
    public async Task WriteThroughOtherStoreInstance_VisibleToReadsAndToSearchesWithoutReopen()
    {
        using var first = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var firstCollection = first.GetCollection<string, CrashRecord>("docs");
        await firstCollection.EnsureCollectionExistsAsync(Ct);
        await firstCollection.UpsertAsync(CrashRecord.Create(0, 0), Ct);
        _ = await firstCollection.SearchAsync(CrashRecord.Create(0, 0).Embedding, 1, cancellationToken: Ct).ToListAsync(Ct);

        using (var second = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}"))
        {
            await second.GetCollection<string, CrashRecord>("docs").UpsertAsync(CrashRecord.Create(0, 1), Ct);
        }

        Assert.NotNull(await firstCollection.GetAsync(CrashRecord.Create(0, 1).Id, cancellationToken: Ct));
        var nearest = await firstCollection.SearchAsync(CrashRecord.Create(0, 1).Embedding, 1, cancellationToken: Ct).SingleAsync(Ct);
        Assert.Equal(CrashRecord.Create(0, 1).Id, nearest.Record.Id);
    }

    [Fact]
    public async Task Reopen_WithDifferentVectorDimensions_ThrowsNamingBothSchemas()
    {
        using (var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}"))
        {
            await store.GetCollection<string, CrashRecord>("docs").EnsureCollectionExistsAsync(Ct);
        }

        using var reopened = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreVectorProperty(nameof(CrashRecord.Embedding), typeof(ReadOnlyMemory<float>), 768)],
        };
        var collection = reopened.GetCollection<string, CrashRecord>("docs", definition);

        var onEnsure = await Assert.ThrowsAsync<InvalidOperationException>(() => collection.EnsureCollectionExistsAsync(Ct));
        _ = await Assert.ThrowsAsync<InvalidOperationException>(() => collection.GetAsync("b0-r0", cancellationToken: Ct));

        Assert.Contains("[384]", onEnsure.Message, StringComparison.Ordinal);
        Assert.Contains("[768]", onEnsure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataTypes_RoundTripAndFilter()
    {
        using var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");
        var collection = store.GetCollection<long, TypedRecord>("typed");
        await collection.EnsureCollectionExistsAsync(Ct);
        var noon = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(2));
        var records = Enumerable.Range(0, 3).Select(i => new TypedRecord
        {
            Id = i,
            Flag = i % 2 == 0,
            Small = (short)(i - 1),
            Tiny = (byte)i,
            Big = long.MaxValue - i,
            Ratio = 0.5f * i,
            Amount = 1e300 / (i + 1),
            Reference = new Guid(i, 1, 1, [0, 0, 0, 0, 0, 0, 0, 1]),
            CreatedUtc = new DateTime(2026, 1, 1 + i, 8, 30, 15, DateTimeKind.Utc),
            Moment = noon.AddHours(i),
            Optional = i == 1 ? null : i,
            Labels = [$"l{i}", "common"],
            Counts = [i, i * 10L],
            Weights = [i / 3.0],
            Embedding = new float[] { 1, i, 0 },
        }).ToList();
        await collection.UpsertAsync(records, Ct);

        var read = await collection.GetAsync(r => r.Id >= 0, 10, new FilteredRecordRetrievalOptions<TypedRecord> { OrderBy = o => o.Ascending(r => r.Id) }, Ct).ToListAsync(Ct);
        var later = await collection.GetAsync(r => r.Moment > noon, 10, cancellationToken: Ct).Select(r => r.Id).ToListAsync(Ct);
        var byGuid = await collection.GetAsync(r => r.Reference == records[2].Reference, 10, cancellationToken: Ct).Select(r => r.Id).ToListAsync(Ct);
        var withoutOptional = await collection.GetAsync(r => r.Optional == null, 10, cancellationToken: Ct).Select(r => r.Id).ToListAsync(Ct);
        var byCount = await collection.GetAsync(r => r.Counts.Contains(20L), 10, cancellationToken: Ct).Select(r => r.Id).ToListAsync(Ct);

        for (var i = 0; i < records.Count; i++)
        {
            var (expected, actual) = (records[i], read[i]);
            Assert.Equal(expected.Flag, actual.Flag);
            Assert.Equal(expected.Small, actual.Small);
            Assert.Equal(expected.Tiny, actual.Tiny);
            Assert.Equal(expected.Big, actual.Big);
            Assert.Equal(expected.Ratio, actual.Ratio);
            Assert.Equal(expected.Amount, actual.Amount);
            Assert.Equal(expected.Reference, actual.Reference);
            Assert.Equal(expected.CreatedUtc, actual.CreatedUtc);
            Assert.Equal(DateTimeKind.Utc, actual.CreatedUtc.Kind);
            Assert.Equal(expected.Moment, actual.Moment); // same instant (stored in UTC)
            Assert.Equal(expected.Optional, actual.Optional);
            Assert.Equal(expected.Labels, actual.Labels);
            Assert.Equal(expected.Counts, actual.Counts);
            Assert.Equal(expected.Weights, actual.Weights);
        }

        Assert.Equal([1L, 2L], later.Order());
        Assert.Equal([2L], byGuid);
        Assert.Equal([1L], withoutOptional);
        Assert.Equal([2L], byCount);
    }

    [Fact]
    public void GetCollection_UnsupportedDataType_ThrowsListingSupportedTypes()
    {
        using var store = new EmbeddedSqliteVectorStore($"Data Source={DatabasePath}");

        var error = Assert.Throws<NotSupportedException>(() => store.GetCollection<string, DecimalRecord>("money"));

        Assert.Contains("Price", error.Message, StringComparison.Ordinal);
        Assert.Contains("DateTimeOffset", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=shared;Mode=Memory")]
    [InlineData("Mode=ReadWriteCreate")]
    public void Constructor_NonFileDatabase_ThrowsArgumentException(string connectionString)
        => _ = Assert.Throws<ArgumentException>(() => new EmbeddedSqliteVectorStore(connectionString));

    [Fact]
    public async Task Constructor_MissingDirectory_CreatesIt()
    {
        var path = Path.Combine(_directory.Path, "nested", "deeper", "kb.db");
        using var store = new EmbeddedSqliteVectorStore($"Data Source={path}");

        await store.GetCollection<string, CrashRecord>("docs").EnsureCollectionExistsAsync(Ct);

        Assert.True(File.Exists(path));
        Assert.Equal(path, store.DatabasePath);
    }

    private static string DotnetHost()
    {
        var fileName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } processPath && string.Equals(Path.GetFileName(processPath), fileName, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var fromRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", fileName));
        return File.Exists(fromRuntime) ? fromRuntime : fileName;
    }

    public sealed class TypedRecord
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreData]
        public bool Flag { get; set; }

        [VectorStoreData]
        public short Small { get; set; }

        [VectorStoreData]
        public byte Tiny { get; set; }

        [VectorStoreData]
        public long Big { get; set; }

        [VectorStoreData]
        public float Ratio { get; set; }

        [VectorStoreData]
        public double Amount { get; set; }

        [VectorStoreData]
        public Guid Reference { get; set; }

        [VectorStoreData]
        public DateTime CreatedUtc { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public DateTimeOffset Moment { get; set; }

        [VectorStoreData]
        public int? Optional { get; set; }

        [VectorStoreData]
        public List<string> Labels { get; set; } = [];

        [VectorStoreData]
        public long[] Counts { get; set; } = [];

        [VectorStoreData]
        public double[] Weights { get; set; } = [];

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    public sealed class DecimalRecord
    {
        [VectorStoreKey]
        public string Id { get; set; } = string.Empty;

        [VectorStoreData]
        public decimal Price { get; set; }

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }
}
