#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using ClaudeOrchestration.Rag.VectorStores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Connectors;

/// <summary>
/// Builds the MEVD <see cref="CollectionModel"/> for a connector and rejects, with a message naming the property and the
/// backend, the key, data and vector types, distance functions and index kinds the backend cannot honour.
/// </summary>
internal sealed class ConnectorModelBuilder : CollectionModelBuilder
{
    private readonly ConnectorModelRules _rules;

    public ConnectorModelBuilder(ConnectorModelRules rules)
        : base(new CollectionModelBuildingOptions { SupportsMultipleVectors = rules.SupportsMultipleVectors, RequiresAtLeastOneVector = rules.RequiresAtLeastOneVector })
        => _rules = rules;

    /// <summary>Builds the model of a POCO record type.</summary>
    [RequiresDynamicCode("Reads the record type's properties through reflection; use a dynamic collection for NativeAOT.")]
    [RequiresUnreferencedCode("Reads the record type's properties through reflection; use a dynamic collection when trimming.")]
    public CollectionModel BuildPoco<TKey, TRecord>(VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? embeddingGenerator)
    {
        if (typeof(TRecord) == typeof(Dictionary<string, object?>))
        {
            throw new NotSupportedException(VectorDataStrings.GetCollectionWithDictionaryNotSupported);
        }

        return Build(typeof(TRecord), typeof(TKey), definition, embeddingGenerator);
    }

    /// <inheritdoc />
    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = _rules.SupportedDataTypes;
        return _rules.IsDataTypeSupported(type);
    }

    /// <inheritdoc />
    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = VectorValues.SupportedTypes;
        return VectorValues.IsNativeType(type);
    }

    /// <inheritdoc />
    protected override bool SupportsKeyAutoGeneration(Type keyPropertyType) => keyPropertyType == typeof(Guid);

    /// <inheritdoc />
    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        ArgumentNullException.ThrowIfNull(keyProperty);
        if (!_rules.KeyTypes.Contains(keyProperty.Type))
        {
            throw new NotSupportedException(
                $"Key property '{keyProperty.ModelName}' has type '{keyProperty.Type.Name}', which the {_rules.StoreName} vector store does not support. "
                + $"Supported key types: {string.Join(", ", _rules.KeyTypes.Select(t => t.Name))}.");
        }

        base.ValidateKeyProperty(keyProperty);
    }

    /// <inheritdoc />
    protected override void ValidateProperty(PropertyModel propertyModel, VectorStoreCollectionDefinition? definition)
    {
        base.ValidateProperty(propertyModel, definition);

        if (propertyModel is VectorPropertyModel vector)
        {
            var distance = vector.DistanceFunction ?? DistanceFunction.CosineSimilarity;
            if (!_rules.DistanceFunctions.Contains(distance))
            {
                throw new NotSupportedException(
                    $"Vector property '{vector.ModelName}' uses distance function '{distance}', which the {_rules.StoreName} vector store does not support. "
                    + $"Supported: {string.Join(", ", _rules.DistanceFunctions)}.");
            }

            if (vector.IndexKind is { } kind && !_rules.IndexKinds.Contains(kind))
            {
                throw new NotSupportedException(
                    $"Vector property '{vector.ModelName}' uses index kind '{kind}', which the {_rules.StoreName} vector store does not support. "
                    + $"Supported: {string.Join(", ", _rules.IndexKinds)}.");
            }
        }
    }
}

/// <summary>What a backend can store, for <see cref="ConnectorModelBuilder"/>.</summary>
internal sealed class ConnectorModelRules
{
    public required string StoreName { get; init; }

    public required IReadOnlySet<Type> KeyTypes { get; init; }

    public required Func<Type, bool> IsDataTypeSupported { get; init; }

    public required string SupportedDataTypes { get; init; }

    public required IReadOnlyList<string> DistanceFunctions { get; init; }

    public required IReadOnlyList<string> IndexKinds { get; init; }

    public bool SupportsMultipleVectors { get; init; } = true;

    public bool RequiresAtLeastOneVector { get; init; }
}
