using System.Buffers;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Rag;

/// <summary>Checks <see cref="RagOptions"/> at start-up; every message says which value is wrong and how to fix it.</summary>
internal sealed class RagOptionsValidator : IValidateOptions<RagOptions>
{
    private static readonly SearchValues<char> CollectionNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    public ValidateOptionsResult Validate(string? name, RagOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add(message);
            }
        }

        Check(Enum.IsDefined(options.Storage), $"RagOptions.Storage is '{options.Storage}'; use Sqlite (default) or InMemory.");
        Check(
            !string.IsNullOrWhiteSpace(options.CollectionName) && options.CollectionName.Length <= 64 && !options.CollectionName.AsSpan().ContainsAnyExcept(CollectionNameChars),
            $"RagOptions.CollectionName is '{options.CollectionName}'; use 1 to 64 letters, digits, '_' or '-' (default 'knowledge').");
        if (options.Storage == RagStorage.Sqlite)
        {
            CheckPath(failures, "KnowledgeDatabasePath", options.ResolveKnowledgeDatabasePath);
            CheckPath(failures, "ContextDatabasePath", options.ResolveContextDatabasePath);
        }

        var knowledge = options.Knowledge;
        if (knowledge is null)
        {
            failures.Add("RagOptions.Knowledge is null; leave it unset to use the defaults.");
        }
        else
        {
            Check(knowledge.EmbeddingDimensions is >= 1 and <= 65_536,
                $"RagOptions.Knowledge.EmbeddingDimensions is {knowledge.EmbeddingDimensions}; set the embedding model's vector length (1 to 65536; 384 for the built-in generator).");
            Check(knowledge.EmbeddingBatchSize is >= 1 and <= 10_000,
                $"RagOptions.Knowledge.EmbeddingBatchSize is {knowledge.EmbeddingBatchSize}; use 1 to 10000 (default 64).");
            Check(knowledge.ChunkSize >= 16,
                $"RagOptions.Knowledge.ChunkSize is {knowledge.ChunkSize}; use at least 16 (default 512 tokens).");
            Check(knowledge.ChunkOverlap >= 0 && knowledge.ChunkOverlap < knowledge.ChunkSize,
                $"RagOptions.Knowledge.ChunkOverlap is {knowledge.ChunkOverlap}; it must be 0 or more and less than ChunkSize ({knowledge.ChunkSize}); default 64.");
            Check(Enum.IsDefined(knowledge.ChunkUnit),
                $"RagOptions.Knowledge.ChunkUnit is '{knowledge.ChunkUnit}'; use Tokens (default) or Characters.");
            Check(knowledge.MaxDocumentCharacters >= 1,
                $"RagOptions.Knowledge.MaxDocumentCharacters is {knowledge.MaxDocumentCharacters}; use a positive number (default 4000000).");
        }

        var context = options.Context;
        if (context is null)
        {
            failures.Add("RagOptions.Context is null; leave it unset to use the defaults.");
        }
        else
        {
            Check(context.DefaultTokenBudget >= 64,
                $"RagOptions.Context.DefaultTokenBudget is {context.DefaultTokenBudget}; use at least 64 tokens (default 4000).");
            Check(context.MaxHistoryTurns >= 0,
                $"RagOptions.Context.MaxHistoryTurns is {context.MaxHistoryTurns}; use 0 or more (default 50).");
            Check(context.MaxMemoryItems >= 0,
                $"RagOptions.Context.MaxMemoryItems is {context.MaxMemoryItems}; use 0 or more (default 100).");
            Check(context.PriorityRecentTurns >= 0,
                $"RagOptions.Context.PriorityRecentTurns is {context.PriorityRecentTurns}; use 0 or more (default 2).");
            Check(context.MaxKnowledgeResults >= 0,
                $"RagOptions.Context.MaxKnowledgeResults is {context.MaxKnowledgeResults}; use 0 (no knowledge) or more (default 5).");
            Check(context.MinKnowledgeScore is >= -1 and <= 1,
                $"RagOptions.Context.MinKnowledgeScore is {context.MinKnowledgeScore}; it is a cosine similarity, use -1 to 1 (default 0.1).");
            Check(context.MinMemoryScore is >= -1 and <= 1,
                $"RagOptions.Context.MinMemoryScore is {context.MinMemoryScore}; it is a cosine similarity, use -1 to 1 (default 0.1).");
            Check(context.CacheCapacity >= 0,
                $"RagOptions.Context.CacheCapacity is {context.CacheCapacity}; use 0 (no cache) or more (default 256).");
            Check(context.IdleTimeout > TimeSpan.Zero,
                $"RagOptions.Context.IdleTimeout is {context.IdleTimeout}; use a positive time span such as 1.00:00:00 (default 24 hours).");
            Check(context.ExpiryScanInterval > TimeSpan.Zero,
                $"RagOptions.Context.ExpiryScanInterval is {context.ExpiryScanInterval}; use a positive time span such as 00:05:00 (default 5 minutes).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPath(List<string> failures, string property, Func<string> resolve)
    {
        try
        {
            var path = resolve();
            if (Directory.Exists(path))
            {
                failures.Add($"RagOptions.{property} resolves to '{path}', which is a folder; give a file path.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or InvalidOperationException)
        {
            failures.Add($"RagOptions.{property} (or DataDirectory) is not a usable path: {ex.Message} Set RagOptions.DataDirectory or RagOptions.{property}.");
        }
    }
}
