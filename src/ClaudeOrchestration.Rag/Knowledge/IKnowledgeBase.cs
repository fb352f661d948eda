namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// A store of documents searched by meaning: documents are chunked, embedded and kept in a vector store collection with
/// their metadata.
/// </summary>
public interface IKnowledgeBase
{
    /// <summary>
    /// A number that changes whenever this instance adds, replaces or deletes a document; caches of search results compare
    /// it to know they are stale. Writes made by another process to a shared store do not change it (the context manager
    /// also watches the SQLite store's change log for those).
    /// </summary>
    long Version { get; }

    /// <summary>
    /// Adds a document, or replaces the stored one with the same id. Adding a document whose text, metadata and chunking
    /// settings are unchanged writes nothing and reports <see cref="KnowledgeWriteStatus.Unchanged"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty or whitespace, the document is longer than the configured maximum, or a metadata value is empty.</exception>
    /// <exception cref="Embeddings.EmbeddingGenerationException">The embedding generator failed.</exception>
    Task<KnowledgeWriteResult> AddOrUpdateAsync(KnowledgeDocument document, CancellationToken cancellationToken = default);

    /// <summary>Gets a stored document, rebuilt from its chunks; <see langword="null"/> when there is none with that id.</summary>
    /// <exception cref="InvalidDataException">The stored chunks do not add up to the document (a write was interrupted by a crash); add the document again.</exception>
    Task<StoredKnowledgeDocument?> GetAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document and all its chunks; <see langword="false"/> when there was none with that id.</summary>
    Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Finds the chunks most similar to <paramref name="query"/>, best first.</summary>
    /// <exception cref="ArgumentException">The query is empty, or an option or filter value is invalid.</exception>
    Task<IReadOnlyList<KnowledgeSearchResult>> SearchAsync(string query, KnowledgeSearchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds every text file under <paramref name="directory"/> that matches the options, one document per file (id: the
    /// path relative to <paramref name="directory"/>, with <c>/</c> separators, prefixed by the project when set).
    /// Binary, empty, unreadable and oversized files are skipped and listed in the result.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    Task<DirectoryIngestResult> IngestDirectoryAsync(
        string directory,
        DirectoryIngestOptions? options = null,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default);
}
