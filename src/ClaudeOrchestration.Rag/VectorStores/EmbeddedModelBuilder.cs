#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>
/// Builds the MEVD <see cref="CollectionModel"/> for the embedded stores: reads <see cref="VectorStoreKeyAttribute"/>,
/// <see cref="VectorStoreDataAttribute"/>, <see cref="VectorStoreVectorAttribute"/> or a
/// <see cref="VectorStoreCollectionDefinition"/>, and rejects what the stores cannot honour with a message naming the property.
/// </summary>
internal sealed class EmbeddedModelBuilder : CollectionModelBuilder
{
    internal const string SupportedKeyTypes = "string, int, long, Guid";

    private readonly string _storeName;
    private readonly Func<Type, bool> _isDataTypeSupported;
    private readonly string _supportedDataTypes;

    private EmbeddedModelBuilder(string storeName, Func<Type, bool> isDataTypeSupported, string supportedDataTypes)
        : base(new CollectionModelBuildingOptions { SupportsMultipleVectors = true, RequiresAtLeastOneVector = false })
    {
        _storeName = storeName;
        _isDataTypeSupported = isDataTypeSupported;
        _supportedDataTypes = supportedDataTypes;
    }

    /// <summary>A builder for the in-memory store, which keeps data values as objects and so accepts any data type.</summary>
    public static EmbeddedModelBuilder ForInMemory() => new("in-memory", static _ => true, "any type");

    /// <summary>A builder for the SQLite store, which maps data values to SQLite column types.</summary>
    public static EmbeddedModelBuilder ForSqlite() => new("SQLite", Sqlite.SqliteValueMapping.IsSupportedDataType, Sqlite.SqliteValueMapping.SupportedDataTypes);

    /// <summary>Builds the model of a POCO record type.</summary>
    [RequiresDynamicCode("Reads the record type's properties through reflection; use a dynamic collection for NativeAOT.")]
    [RequiresUnreferencedCode("Reads the record type's properties through reflection; use a dynamic collection when trimming.")]
    public static CollectionModel BuildPoco<TKey, TRecord>(EmbeddedModelBuilder builder, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? embeddingGenerator)
    {
        if (typeof(TRecord) == typeof(Dictionary<string, object?>))
        {
            throw new NotSupportedException(VectorDataStrings.GetCollectionWithDictionaryNotSupported);
        }

        return builder.Build(typeof(TRecord), typeof(TKey), definition, embeddingGenerator);
    }

    /// <summary>Whether <paramref name="type"/> is a key type the stores support.</summary>
    public static bool IsSupportedKeyType(Type type)
        => type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(Guid);

    /// <inheritdoc />
    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = _supportedDataTypes;
        return _isDataTypeSupported(type);
    }

    /// <inheritdoc />
    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = VectorValues.SupportedTypes;
        return VectorValues.IsNativeType(type);
    }

    /// <inheritdoc />
    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        ArgumentNullException.ThrowIfNull(keyProperty);
        if (!IsSupportedKeyType(keyProperty.Type))
        {
            throw new NotSupportedException(
                $"Key property '{keyProperty.ModelName}' has type '{keyProperty.Type.Name}', which the {_storeName} vector store does not support. "
                + $"Supported key types: {SupportedKeyTypes}.");
        }

        base.ValidateKeyProperty(keyProperty);
    }

    /// <inheritdoc />
    protected override void ValidateProperty(PropertyModel propertyModel, VectorStoreCollectionDefinition? definition)
    {
        base.ValidateProperty(propertyModel, definition);

        if (propertyModel is VectorPropertyModel vector)
        {
            _ = Scoring.Resolve(vector.DistanceFunction, vector.ModelName);
            if (vector.IndexKind is not (null or IndexKind.Flat or IndexKind.Hnsw))
            {
                throw new NotSupportedException(
                    $"Vector property '{vector.ModelName}' uses index kind '{vector.IndexKind}', which the {_storeName} vector store does not support. "
                    + "Supported: Flat (default, exact search) and Hnsw (approximate).");
            }
        }
    }
}
