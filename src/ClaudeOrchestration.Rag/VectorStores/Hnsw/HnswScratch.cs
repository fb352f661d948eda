namespace ClaudeOrchestration.Rag.VectorStores.Hnsw;

/// <summary>
/// Working memory of one HNSW layer search, kept between searches: a visited set that is emptied in O(1) by bumping a
/// generation counter (instead of clearing a bitmap sized to the graph), the two heaps, and the best-first result buffer.
/// </summary>
/// <remarks>
/// Not thread-safe. The index owns one for its (serialised) writers; searches take a per-thread instance, which may serve
/// several indexes because a mark only counts when it equals the current generation.
/// </remarks>
internal sealed class HnswScratch
{
    [ThreadStatic]
    private static HnswScratch? _current;

    private int[] _marks = [];
    private int _generation;

    public NodeHeap Candidates { get; } = new();

    /// <summary>Receives a value derived from the cache-warming loads so the JIT cannot drop them as dead.</summary>
    public float Sink { get; set; }

    public NodeHeap Results { get; } = new();

    /// <summary>Results of the last layer search, best first, in <c>[0, count)</c>.</summary>
    public (float Score, int Id)[] Ordered { get; private set; } = new (float Score, int Id)[64];

    /// <summary>The calling thread's instance, for searches.</summary>
    public static HnswScratch ForCurrentThread => _current ??= new HnswScratch();

    /// <summary>Starts a new search over a graph of <paramref name="nodeCount"/> nodes: empties the visited set and heaps.</summary>
    public void Reset(int nodeCount)
    {
        if (_marks.Length < nodeCount)
        {
            _marks = new int[Math.Max(nodeCount, _marks.Length * 2)];
            _generation = 0;
        }

        if (++_generation == int.MaxValue)
        {
            Array.Clear(_marks);
            _generation = 1;
        }

        Candidates.Clear();
        Results.Clear();
    }

    /// <summary>Marks <paramref name="node"/> visited; returns <see langword="false"/> when it already was.</summary>
    public bool Visit(int node)
    {
        ref var mark = ref _marks[node];
        if (mark == _generation)
        {
            return false;
        }

        mark = _generation;
        return true;
    }

    public void EnsureOrderedCapacity(int count)
    {
        if (Ordered.Length < count)
        {
            Ordered = new (float Score, int Id)[Math.Max(count, Ordered.Length * 2)];
        }
    }
}
