using ClaudeOrchestration.Rag.VectorStores.Hnsw;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>How one vector property is stored: dimensions, and the HNSW graph to maintain (if its index kind is Hnsw).</summary>
internal readonly record struct VectorColumnSpec(int Dimensions, ScoreKind Kind, HnswIndexOptions? Hnsw);

/// <summary>
/// The search state of one collection: a key → slot map, and per vector property a <see cref="FlatVectorIndex"/> whose
/// slots line up with the keys (plus, for HNSW properties, a graph over the same vectors). The in-memory store also keeps
/// each record's key and data values as a row per slot; the SQLite store keeps only the vectors (rows live in the database).
/// </summary>
/// <remarks>Not thread-safe; callers serialise writers against readers.</remarks>
internal sealed class VectorSlotTable
{
    /// <summary>A graph is rebuilt once it has more deleted nodes than this and than live ones.</summary>
    private const int RebuildMinimumDeleted = 1024;

    private readonly Dictionary<object, int> _slotByKey = [];
    private readonly bool _storesRows;
    private readonly VectorColumnSpec[] _specs;
    private readonly GraphColumn?[] _graphs;
    private object[] _keys = [];
    private object?[]?[] _rows = [];

    public VectorSlotTable(IReadOnlyList<VectorColumnSpec> columns, bool storesRows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _specs = [.. columns];
        Columns = [.. columns.Select(c => new FlatVectorIndex(c.Dimensions))];
        _graphs = [.. columns.Select(c => c.Hnsw is null ? null : new GraphColumn(c))];
        _storesRows = storesRows;
    }

    /// <summary>One exact index per vector property, in storage order.</summary>
    public FlatVectorIndex[] Columns { get; }

    public int Count => _slotByKey.Count;

    /// <summary>The stored rows by slot (length may exceed <see cref="Count"/>); empty when rows are not stored.</summary>
    public object?[]?[] Rows => _rows;

    public bool TryGetSlot(object key, out int slot) => _slotByKey.TryGetValue(key, out slot);

    public object KeyAt(int slot) => _keys[slot];

    public object?[]? RowAt(int slot) => _storesRows ? _rows[slot] : null;

    /// <summary>
    /// Approximate search through the column's HNSW graph, when it has one built for <paramref name="kind"/>; results are
    /// slots best first on the internal scale.
    /// </summary>
    public bool TrySearchGraph(int column, ScoreKind kind, ReadOnlySpan<float> query, int count, out (float Score, int Id)[] ranked)
    {
        if (_graphs[column] is not { } graph || graph.Kind != kind)
        {
            ranked = [];
            return false;
        }

        var hits = graph.Index.Search(query, count, Math.Max(graph.Index.EfSearch, count));
        ranked = new (float Score, int Id)[hits.Length];
        var found = 0;
        foreach (var (score, node) in hits)
        {
            if (graph.Keys[node] is { } key && _slotByKey.TryGetValue(key, out var slot))
            {
                ranked[found++] = (score, slot);
            }
        }

        Array.Resize(ref ranked, found);
        return true;
    }

    /// <summary>Inserts or replaces the record with <paramref name="key"/>. Vectors must already be validated.</summary>
    public void Upsert(object key, ReadOnlySpan<ReadOnlyMemory<float>> vectors, object?[]? row)
    {
        if (_slotByKey.TryGetValue(key, out var slot))
        {
            for (var i = 0; i < Columns.Length; i++)
            {
                Columns[i].Set(slot, vectors[i].Span);
            }
        }
        else
        {
            slot = Count;
            if (slot == _keys.Length)
            {
                var capacity = Math.Max(16, _keys.Length * 2);
                Array.Resize(ref _keys, capacity);
                if (_storesRows)
                {
                    Array.Resize(ref _rows, capacity);
                }
            }

            for (var i = 0; i < Columns.Length; i++)
            {
                _ = Columns[i].Add(vectors[i].Span);
            }

            _keys[slot] = key;
            _slotByKey.Add(key, slot);
        }

        if (_storesRows)
        {
            _rows[slot] = row;
        }

        for (var i = 0; i < _graphs.Length; i++)
        {
            _graphs[i]?.Upsert(key, vectors[i].Span);
        }
    }

    /// <summary>Removes the record with <paramref name="key"/>; the last slot moves into the freed one.</summary>
    public bool Remove(object key)
    {
        if (!_slotByKey.Remove(key, out var slot))
        {
            return false;
        }

        var last = _slotByKey.Count; // count after removal == index of the last slot before removal
        foreach (var column in Columns)
        {
            _ = column.RemoveAt(slot);
        }

        if (slot != last)
        {
            var movedKey = _keys[last];
            _keys[slot] = movedKey;
            _slotByKey[movedKey] = slot;
            if (_storesRows)
            {
                _rows[slot] = _rows[last];
            }
        }

        _keys[last] = null!;
        if (_storesRows)
        {
            _rows[last] = null;
        }

        for (var i = 0; i < _graphs.Length; i++)
        {
            if (_graphs[i] is { } graph)
            {
                graph.Remove(key);
                if (graph.Index.DeletedCount > RebuildMinimumDeleted && graph.Index.DeletedCount > graph.Index.LiveCount)
                {
                    RebuildGraph(i);
                }
            }
        }

        return true;
    }

    public void Clear()
    {
        _slotByKey.Clear();
        _keys = [];
        _rows = [];
        foreach (var column in Columns)
        {
            column.Clear();
        }

        for (var i = 0; i < _graphs.Length; i++)
        {
            if (_graphs[i] is not null)
            {
                _graphs[i] = new GraphColumn(_specs[i]);
            }
        }
    }

    /// <summary>Replaces a graph full of deleted nodes with one built from the live vectors.</summary>
    private void RebuildGraph(int column)
    {
        var graph = new GraphColumn(_specs[column]);
        for (var slot = 0; slot < Count; slot++)
        {
            graph.Upsert(_keys[slot], Columns[column].Get(slot));
        }

        _graphs[column] = graph;
    }

    /// <summary>An HNSW graph plus the key of each node (null once deleted).</summary>
    private sealed class GraphColumn(VectorColumnSpec spec)
    {
        private readonly Dictionary<object, int> _nodeByKey = [];
        private object?[] _keys = [];

        public ScoreKind Kind { get; } = spec.Kind;

        public HnswIndex Index { get; } = new(spec.Dimensions, spec.Kind, spec.Hnsw!);

        public object?[] Keys => _keys;

        public void Upsert(object key, ReadOnlySpan<float> vector)
        {
            Remove(key);
            var node = Index.Add(vector);
            if (node >= _keys.Length)
            {
                Array.Resize(ref _keys, Math.Max(16, _keys.Length * 2));
            }

            _keys[node] = key;
            _nodeByKey[key] = node;
        }

        public void Remove(object key)
        {
            if (_nodeByKey.Remove(key, out var node))
            {
                _ = Index.Remove(node);
                _keys[node] = null;
            }
        }
    }
}
