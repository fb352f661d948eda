#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Globalization;
using System.Text;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>
/// The embedded stores' view of a collection, derived once from its <see cref="CollectionModel"/>: the storage layout (data
/// and vector properties sorted by storage name, so a POCO collection and a dynamic collection over the same schema share
/// it), the schema signature, and the record handling every store shares (<see cref="RecordMapper{TKey, TRecord}"/>: keys,
/// vectors with dimension checks, embedding generation, materialisation) in that layout.
/// </summary>
internal sealed class RecordBinding<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly Dictionary<VectorPropertyModel, int> _vectorColumnOf = [];
    private readonly Dictionary<PropertyModel, int> _rowOrdinalOf = [];
    private readonly RecordMapper<TKey, TRecord> _mapper;

    public RecordBinding(CollectionModel model, string collectionName)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        CollectionName = collectionName;
        DataProperties = [.. model.DataProperties.OrderBy(p => p.StorageName, StringComparer.Ordinal)];
        VectorProperties = [.. model.VectorProperties.OrderBy(p => p.StorageName, StringComparer.Ordinal)];
        ScoreKinds = [.. VectorProperties.Select(p => Scoring.Resolve(p.DistanceFunction, p.ModelName))];
        Dimensions = [.. VectorProperties.Select(p => p.Dimensions)];

        _rowOrdinalOf[model.KeyProperty] = 0;
        for (var i = 0; i < DataProperties.Count; i++)
        {
            _rowOrdinalOf[DataProperties[i]] = i + 1;
        }

        for (var i = 0; i < VectorProperties.Count; i++)
        {
            _vectorColumnOf[VectorProperties[i]] = i;
        }

        _mapper = new RecordMapper<TKey, TRecord>(model, collectionName, VectorProperties);
        Signature = BuildSignature();
    }

    public CollectionModel Model { get; }

    public string CollectionName { get; }

    public KeyPropertyModel KeyProperty => Model.KeyProperty;

    /// <summary>Data properties in storage order (by storage name); row ordinal = index + 1, ordinal 0 is the key.</summary>
    public IReadOnlyList<DataPropertyModel> DataProperties { get; }

    /// <summary>Vector properties in storage order (by storage name); the index is the vector column.</summary>
    public IReadOnlyList<VectorPropertyModel> VectorProperties { get; }

    public IReadOnlyList<ScoreKind> ScoreKinds { get; }

    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The storage schema in one string; two collection objects may share storage only when these are equal.</summary>
    public string Signature { get; }

    /// <summary>The storage of each vector column; HNSW properties get a graph built with <paramref name="hnsw"/>.</summary>
    public VectorColumnSpec[] ColumnSpecs(Hnsw.HnswIndexOptions hnsw)
        => [.. VectorProperties.Select((p, i) => new VectorColumnSpec(p.Dimensions, ScoreKinds[i], p.IndexKind == IndexKind.Hnsw ? hnsw : null))];

    /// <summary>The row ordinal of a key or data property (0 = key).</summary>
    public int RowOrdinalOf(PropertyModel property)
        => _rowOrdinalOf.TryGetValue(property, out var ordinal)
            ? ordinal
            : throw new NotSupportedException($"Property '{property.ModelName}' is a vector property; filters and ordering apply to key and data properties only.");

    public int VectorColumnOf(VectorPropertyModel property) => _vectorColumnOf[property];

    /// <summary>Converts a caller's key to the boxed value used for storage, checking its type for dynamic collections.</summary>
    public object BoxKey(TKey key) => _mapper.BoxKey(key);

    /// <summary>Reads a record's key, generating a <see cref="Guid"/> for an empty auto-generated key.</summary>
    public object KeyOf(TRecord record) => _mapper.KeyOf(record);

    /// <summary>Returns, per record, its vectors in storage order (read or generated, every one checked before anything is written).</summary>
    public Task<ReadOnlyMemory<float>[][]> GetVectorsAsync(IReadOnlyList<TRecord> records, IReadOnlyList<object> keys, CancellationToken cancellationToken)
        => _mapper.GetVectorsAsync(records, keys, cancellationToken);

    /// <summary>Turns a search input into a query vector: a vector as is, anything else through the embedding generator.</summary>
    public ValueTask<ReadOnlyMemory<float>> GetSearchVectorAsync<TInput>(TInput searchValue, VectorPropertyModel property, CancellationToken cancellationToken)
        where TInput : notnull
        => _mapper.GetSearchVectorAsync(searchValue, property, cancellationToken);

    /// <summary>Creates a record from stored values.</summary>
    /// <param name="key">The boxed key.</param>
    /// <param name="dataValue">Returns the value of the data property with the given storage-order index.</param>
    /// <param name="vector">Returns the vector of the given vector column, or <see langword="null"/> when vectors are not included.</param>
    public TRecord Materialize(object key, Func<int, object?> dataValue, Func<int, float[]>? vector)
        => _mapper.Materialize(
            key,
            property => dataValue(_rowOrdinalOf[property] - 1),
            vector is null ? null : property => vector(_vectorColumnOf[property]));

    /// <summary>Throws when vectors are requested for a collection whose vectors are generated (MEVD's rule).</summary>
    public void ThrowIfIncludeVectorsUnsupported(bool includeVectors) => _mapper.ThrowIfIncludeVectorsUnsupported(includeVectors);

    private string BuildSignature()
    {
        var builder = new StringBuilder();
        AppendProperty(builder, "key", KeyProperty);
        foreach (var data in DataProperties)
        {
            AppendProperty(builder, "data", data);
        }

        foreach (var vector in VectorProperties)
        {
            builder.Append(CultureInfo.InvariantCulture, $"vector {vector.StorageName}[{vector.Dimensions}]; ");
        }

        return builder.ToString().TrimEnd();

        static void AppendProperty(StringBuilder builder, string kind, PropertyModel property)
        {
            var type = Nullable.GetUnderlyingType(property.Type) ?? property.Type;
            builder.Append(CultureInfo.InvariantCulture, $"{kind} {property.StorageName}:{type.Name}; ");
        }
    }
}
