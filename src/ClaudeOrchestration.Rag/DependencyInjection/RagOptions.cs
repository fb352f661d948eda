using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Rag;

/// <summary>Where the RAG package keeps its data.</summary>
public enum RagStorage
{
    /// <summary>SQLite files under <see cref="RagOptions.DataDirectory"/>: knowledge and contexts survive a restart (default).</summary>
    Sqlite,

    /// <summary>Process memory: nothing survives the process. For tests and throw-away agents.</summary>
    InMemory,
}

/// <summary>
/// Settings of the RAG package, bound from the <c>ClaudeOrchestration:Rag</c> configuration section and validated at
/// start-up.
/// </summary>
public sealed class RagOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "ClaudeOrchestration:Rag";

    /// <summary>Where knowledge and contexts are kept. Default <see cref="RagStorage.Sqlite"/>.</summary>
    public RagStorage Storage { get; set; } = RagStorage.Sqlite;

    /// <summary>
    /// The folder of the SQLite files. Default: <c>ClaudeOrchestration/rag</c> under the user's local application data
    /// folder (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>The knowledge database file. Default: <c>knowledge.db</c> in <see cref="DataDirectory"/>.</summary>
    public string? KnowledgeDatabasePath { get; set; }

    /// <summary>The context database file. Default: <c>contexts.db</c> in <see cref="DataDirectory"/>.</summary>
    public string? ContextDatabasePath { get; set; }

    /// <summary>The vector store collection that holds knowledge chunks. Default <c>knowledge</c>.</summary>
    public string CollectionName { get; set; } = "knowledge";

    /// <summary>Chunking and embedding settings of the knowledge base.</summary>
    public KnowledgeBaseOptions Knowledge { get; set; } = new();

    /// <summary>Context and context-assembly settings.</summary>
    public ContextManagerOptions Context { get; set; } = new();

    /// <summary>The folder <see cref="DataDirectory"/> resolves to.</summary>
    public string ResolveDataDirectory()
    {
        if (!string.IsNullOrWhiteSpace(DataDirectory))
        {
            return Path.GetFullPath(DataDirectory);
        }

        var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(localData)
            ? throw new InvalidOperationException("There is no local application data folder for this user; set RagOptions.DataDirectory.")
            : Path.Combine(localData, "ClaudeOrchestration", "rag");
    }

    /// <summary>The file <see cref="KnowledgeDatabasePath"/> resolves to.</summary>
    public string ResolveKnowledgeDatabasePath() =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(KnowledgeDatabasePath) ? Path.Combine(ResolveDataDirectory(), "knowledge.db") : KnowledgeDatabasePath);

    /// <summary>The file <see cref="ContextDatabasePath"/> resolves to.</summary>
    public string ResolveContextDatabasePath() =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(ContextDatabasePath) ? Path.Combine(ResolveDataDirectory(), "contexts.db") : ContextDatabasePath);
}
