using System.Diagnostics.CodeAnalysis;
using ClaudeOrchestration.Rag.Tests.VectorStores;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Extensions.VectorData;

/// <summary>
/// A .NET startup hook that turns this test assembly into the crash test's writer process. The crash test starts
/// <c>dotnet exec ClaudeOrchestration.Rag.Tests.dll</c> with <c>DOTNET_STARTUP_HOOKS</c> pointing at this assembly and
/// <see cref="CrashWriter.DatabaseVariable"/> naming a database; the runtime calls <see cref="Initialize"/> before the
/// test runner's entry point, and the writer upserts batches until the test kills it (it never returns to the runner).
/// In every other process the variable is unset and the hook does nothing.
/// </summary>
[SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "The runtime looks startup hooks up by this exact global type name.")]
internal static class StartupHook
{
    public static void Initialize()
    {
        var database = Environment.GetEnvironmentVariable(CrashWriter.DatabaseVariable);
        if (string.IsNullOrEmpty(database))
        {
            return;
        }

        try
        {
            CrashWriter.RunAsync(database).GetAwaiter().GetResult();
            Environment.Exit(0);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine(ex);
            Environment.Exit(3);
        }
    }
}

namespace ClaudeOrchestration.Rag.Tests.VectorStores
{
    /// <summary>The writer loop of the crash test, run in a child process.</summary>
    [SuppressMessage("Trimming", "IL2026", Justification = "Tests use POCO mapping through reflection.")]
    [SuppressMessage("AOT", "IL3050", Justification = "Tests use POCO mapping through reflection.")]
    internal static class CrashWriter
    {
        public const string DatabaseVariable = "CO_RAG_CRASH_WRITER_DB";
        public const string CollectionName = "ingest";
        public const int BatchSize = 200;

        /// <summary>A safety stop in case nobody kills the writer.</summary>
        public const int MaxBatches = 400;

        public static async Task RunAsync(string databasePath)
        {
            // If the test process dies, stdin closes: stop instead of writing until MaxBatches.
            var parentGone = Task.Run(() => Console.In.ReadToEnd());

            using var store = new EmbeddedSqliteVectorStore($"Data Source={databasePath}");
            var collection = store.GetCollection<string, CrashRecord>(CollectionName);
            await collection.EnsureCollectionExistsAsync();
            for (var batch = 0; batch < MaxBatches && !parentGone.IsCompleted; batch++)
            {
                await collection.UpsertAsync(Enumerable.Range(0, BatchSize).Select(i => CrashRecord.Create(batch, i)).ToList());
                Console.Out.WriteLine($"committed {batch}");
                Console.Out.Flush();
            }
        }
    }

    /// <summary>A record whose every value is a pure function of (batch, index), so a reader can check it is complete.</summary>
    public sealed class CrashRecord
    {
        public const int Dimensions = 384;

        [VectorStoreKey]
        public string Id { get; set; } = string.Empty;

        [VectorStoreData(IsIndexed = true)]
        public int Batch { get; set; }

        [VectorStoreData]
        public int Index { get; set; }

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Payload { get; set; } = string.Empty;

        [VectorStoreVector(Dimensions)]
        public ReadOnlyMemory<float> Embedding { get; set; }

        public static CrashRecord Create(int batch, int index)
        {
            var random = new Random((batch * 100_003) + index);
            var vector = new float[Dimensions];
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return new CrashRecord
            {
                Id = $"b{batch}-r{index}",
                Batch = batch,
                Index = index,
                Payload = new string((char)('a' + (index % 26)), 50 + (index * 7 % 300)),
                Embedding = vector,
            };
        }
    }
}
