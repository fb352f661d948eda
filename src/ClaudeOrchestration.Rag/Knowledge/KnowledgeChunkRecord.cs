using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// One stored chunk of a knowledge document, as kept in a Microsoft.Extensions.VectorData collection. The knowledge base
/// writes and reads these; use them directly only to inspect or migrate a collection.
/// </summary>
/// <remarks>
/// The attributes describe the default 384-dimension layout. The knowledge base always opens its collection with
/// <see cref="CreateDefinition(int)"/>, which carries the configured vector length, so a model with another length
/// (for example 3072 for <c>text-embedding-3-large</c>) needs no other record type.
/// </remarks>
public sealed class KnowledgeChunkRecord
{
    /// <summary>
    /// The record key: <c>{DocumentId}#0</c> for a document's first chunk, <c>{DocumentId}#{version}#{ChunkIndex}</c> for
    /// the others, where the version is taken from <see cref="Fingerprint"/>. Rewriting a document therefore never
    /// overwrites the chunks of the version being replaced: the new chunks are written beside them, and the write of the
    /// first chunk switches readers to the new version in one step.
    /// </summary>
    [VectorStoreKey]
    public string Key { get; set; } = string.Empty;

    /// <summary>The id of the document the chunk belongs to.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string DocumentId { get; set; } = string.Empty;

    /// <summary>Position of the chunk in its document, from 0.</summary>
    [VectorStoreData]
    public int ChunkIndex { get; set; }

    /// <summary>How many chunks the document had when this chunk was written.</summary>
    [VectorStoreData]
    public int ChunkCount { get; set; }

    /// <summary>Offset of the chunk's first character in the (line-ending normalised) document text.</summary>
    [VectorStoreData]
    public int StartOffset { get; set; }

    /// <summary>The chunk's text, exactly as it appears in the document.</summary>
    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = string.Empty;

    /// <summary>The document's project, for filtering; <see langword="null"/> when it has none.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string? Project { get; set; }

    /// <summary>Where the document came from (a file path relative to the ingested folder, a URL), when known.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string? SourcePath { get; set; }

    /// <summary>The document's title, when it has one.</summary>
    [VectorStoreData]
    public string? Title { get; set; }

    /// <summary>The document's tags, for filtering.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string[] Tags { get; set; } = [];

    /// <summary>The document's other metadata, as a JSON object of strings; <see langword="null"/> when there is none.</summary>
    [VectorStoreData]
    public string? PropertiesJson { get; set; }

    /// <summary>SHA-256 (lower-case hex) of the whole document text.</summary>
    [VectorStoreData]
    public string ContentHash { get; set; } = string.Empty;

    /// <summary>
    /// SHA-256 (hex) over the content hash, the metadata, the chunking settings and the embedding model, then <c>|</c> and
    /// the id of the model that made <see cref="Vector"/> (<c>{provider}/{model}/{dimensions}</c>): when a re-added document
    /// has the same fingerprint, nothing is written, and a knowledge base opened with another model refuses the collection.
    /// </summary>
    [VectorStoreData]
    public string Fingerprint { get; set; } = string.Empty;

    /// <summary>When the document was written, in Unix milliseconds (UTC).</summary>
    [VectorStoreData]
    public long UpdatedAtUnixMs { get; set; }

    /// <summary>The chunk's embedding.</summary>
    [VectorStoreVector(384, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Vector { get; set; }

    /// <summary>
    /// The collection definition the knowledge base opens its collection with: the properties above, a cosine-similarity
    /// vector of <paramref name="dimensions"/> floats and indexes on the filterable fields.
    /// </summary>
    /// <param name="dimensions">The embedding length.</param>
    public static VectorStoreCollectionDefinition CreateDefinition(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        return new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(Key), typeof(string)),
                new VectorStoreDataProperty(nameof(DocumentId), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(ChunkIndex), typeof(int)),
                new VectorStoreDataProperty(nameof(ChunkCount), typeof(int)),
                new VectorStoreDataProperty(nameof(StartOffset), typeof(int)),
                new VectorStoreDataProperty(nameof(Text), typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty(nameof(Project), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(SourcePath), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(Title), typeof(string)),
                new VectorStoreDataProperty(nameof(Tags), typeof(string[])) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(PropertiesJson), typeof(string)),
                new VectorStoreDataProperty(nameof(ContentHash), typeof(string)),
                new VectorStoreDataProperty(nameof(Fingerprint), typeof(string)),
                new VectorStoreDataProperty(nameof(UpdatedAtUnixMs), typeof(long)),
                new VectorStoreVectorProperty(nameof(Vector), typeof(ReadOnlyMemory<float>), dimensions)
                {
                    DistanceFunction = DistanceFunction.CosineSimilarity,
                },
            ],
        };
    }

    internal static string FirstKeyOf(string documentId) => documentId + "#0";

    internal static string KeyOf(string documentId, string fingerprint, int chunkIndex) =>
        chunkIndex == 0
            ? FirstKeyOf(documentId)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{documentId}#{fingerprint.AsSpan(0, 16)}#{chunkIndex}");
}
