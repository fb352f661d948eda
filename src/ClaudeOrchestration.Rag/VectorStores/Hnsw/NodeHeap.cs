namespace ClaudeOrchestration.Rag.VectorStores.Hnsw;

/// <summary>
/// A growable binary min-heap of (key, node) pairs over plain arrays, reused across searches so the HNSW inner loop does
/// not allocate. The graph search keeps two: results keyed by score (the worst on top) and candidates keyed by the negated
/// score (the best on top).
/// </summary>
/// <remarks>Not thread-safe; owned by one <see cref="HnswScratch"/>.</remarks>
internal sealed class NodeHeap
{
    private float[] _keys = new float[64];
    private int[] _nodes = new int[64];

    public int Count { get; private set; }

    /// <summary>The smallest key; only meaningful when <see cref="Count"/> is positive.</summary>
    public float TopKey => _keys[0];

    public int TopNode => _nodes[0];

    public void Clear() => Count = 0;

    public void Push(float key, int node)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _nodes, Count * 2);
        }

        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (_keys[parent] <= key)
            {
                break;
            }

            _keys[i] = _keys[parent];
            _nodes[i] = _nodes[parent];
            i = parent;
        }

        _keys[i] = key;
        _nodes[i] = node;
    }

    /// <summary>Removes the entry with the smallest key.</summary>
    public void Pop()
    {
        var last = --Count;
        if (last == 0)
        {
            return;
        }

        var key = _keys[last];
        var node = _nodes[last];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= last)
            {
                break;
            }

            if (child + 1 < last && _keys[child + 1] < _keys[child])
            {
                child++;
            }

            if (key <= _keys[child])
            {
                break;
            }

            _keys[i] = _keys[child];
            _nodes[i] = _nodes[child];
            i = child;
        }

        _keys[i] = key;
        _nodes[i] = node;
    }
}
