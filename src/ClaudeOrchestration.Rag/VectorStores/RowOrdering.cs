#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>The <see cref="FilteredRecordRetrievalOptions{TRecord}.OrderBy"/> of a filtered get, bound to row ordinals.</summary>
internal sealed class RowOrdering
{
    private readonly (int Ordinal, bool Ascending)[] _keys;

    private RowOrdering((int Ordinal, bool Ascending)[] keys) => _keys = keys;

    /// <summary>Binds the caller's ordering, or returns <see langword="null"/> when there is none.</summary>
    public static RowOrdering? Create<TKey, TRecord>(
        Func<FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition, FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition>? orderBy,
        RecordBinding<TKey, TRecord> binding)
        where TKey : notnull
        where TRecord : class
    {
        if (orderBy is null)
        {
            return null;
        }

        var values = orderBy(new FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition()).Values;
        if (values.Count == 0)
        {
            return null;
        }

        var keys = new (int Ordinal, bool Ascending)[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var property = binding.Model.GetDataOrKeyProperty(values[i].PropertySelector);
            keys[i] = (binding.RowOrdinalOf(property), values[i].Ascending);
        }

        return new RowOrdering(keys);
    }

    /// <summary>Sorts slots by their rows' values (nulls first when ascending).</summary>
    public void Sort(List<int> slots, VectorSlotTable table)
    {
        slots.Sort((a, b) =>
        {
            var rowA = table.RowAt(a)!;
            var rowB = table.RowAt(b)!;
            foreach (var (ordinal, ascending) in _keys)
            {
                var comparison = Comparer<object?>.Default.Compare(rowA[ordinal], rowB[ordinal]);
                if (comparison != 0)
                {
                    return ascending ? comparison : -comparison;
                }
            }

            return 0;
        });
    }
}
