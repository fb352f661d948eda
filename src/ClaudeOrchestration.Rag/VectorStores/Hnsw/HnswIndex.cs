using System.Numerics.Tensors;

namespace ClaudeOrchestration.Rag.VectorStores.Hnsw;

/// <summary>
/// A Hierarchical Navigable Small World graph (Malkov &amp; Yashunin) for approximate nearest-neighbour search. Nodes are
/// numbered in insertion order and keep their own copy of the vector (normalised for cosine). Removal marks a node deleted:
/// it still routes searches but is never returned; the owner rebuilds the graph when deleted nodes pile up.
/// </summary>
/// <remarks>
/// Writers must be serialised against everything else; concurrent searches are safe (each thread has its own
/// <see cref="HnswScratch"/>). Layer-0 links live in chunked flat arrays (a count followed by up to <c>2M</c> ids per
/// node) and upper-layer links in one small array per node that has any, so inserting and pruning never allocate.
/// </remarks>
internal sealed class HnswIndex
{
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly ScoreKind _kind;
    private readonly int _m;
    private readonly int _maxLayer0;
    private readonly int _stride0;
    private readonly int _strideUpper;
    private readonly int _efConstruction;
    private readonly double _levelMultiplier;
    private readonly Random _random;
    private readonly HnswScratch _buildScratch = new();
    private readonly (float Score, int Id)[] _pruneBuffer;
    private float[][] _chunks = [];
    private int[][] _layer0 = [];
    private int[]?[] _upper = [];
    private ulong[] _deleted = [];
    private int _entryPoint = -1;
    private int _maxLevel = -1;

    public HnswIndex(int dimensions, ScoreKind kind, HnswIndexOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Dimensions = dimensions;
        _kind = kind;
        _m = options.M;
        _maxLayer0 = 2 * options.M;
        _stride0 = _maxLayer0 + 1;
        _strideUpper = _m + 1;
        _efConstruction = options.EfConstruction;
        EfSearch = options.EfSearch;
        _levelMultiplier = 1 / Math.Log(options.M);
        _random = options.Seed is int seed ? new Random(seed) : new Random();
        _pruneBuffer = new (float Score, int Id)[_maxLayer0 + 1];
    }

    public int Dimensions { get; }

    public int EfSearch { get; }

    /// <summary>Nodes ever added (live and deleted).</summary>
    public int NodeCount { get; private set; }

    public int DeletedCount { get; private set; }

    public int LiveCount => NodeCount - DeletedCount;

    /// <summary>Adds a vector and returns its node id.</summary>
    public int Add(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"Expected a vector of {Dimensions} dimensions but got {vector.Length}.", nameof(vector));
        }

        var node = NodeCount;
        Store(node, vector);
        var level = RandomLevel();
        if (level > 0)
        {
            _upper[node] = new int[level * _strideUpper];
        }

        NodeCount++;

        if (_entryPoint < 0)
        {
            _entryPoint = node;
            _maxLevel = level;
            return node;
        }

        var query = Vector(node);
        var entry = _entryPoint;
        var entryScore = Similarity(query, entry);
        for (var l = _maxLevel; l > level; l--)
        {
            (entry, entryScore) = Greedy(query, entry, entryScore, l);
        }

        var scratch = _buildScratch;
        for (var l = Math.Min(level, _maxLevel); l >= 0; l--)
        {
            var count = SearchLayer(query, entry, entryScore, _efConstruction, l, scratch);
            var found = scratch.Ordered.AsSpan(0, count);
            var block = LinkBlock(node, l);
            var selected = SelectNeighbours(found, _m, block[1..]);
            block[0] = selected;
            foreach (var neighbour in block.Slice(1, selected))
            {
                Connect(neighbour, node, l);
            }

            (entryScore, entry) = found[0];
        }

        if (level > _maxLevel)
        {
            _entryPoint = node;
            _maxLevel = level;
        }

        return node;
    }

    /// <summary>Marks a node deleted; it keeps routing searches but is no longer returned.</summary>
    public bool Remove(int node)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)node, (uint)NodeCount, nameof(node));
        ref var word = ref _deleted[node >> 6];
        var bit = 1UL << (node & 63);
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        DeletedCount++;
        return true;
    }

    /// <summary>Returns up to <paramref name="top"/> live nodes nearest to <paramref name="query"/>, best first (internal scale).</summary>
    public (float Score, int Id)[] Search(ReadOnlySpan<float> query, int top, int ef)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Expected a search vector of {Dimensions} dimensions but got {query.Length}.", nameof(query));
        }

        if (_entryPoint < 0 || LiveCount == 0)
        {
            return [];
        }

        ReadOnlySpan<float> q = query;
        if (_kind is ScoreKind.CosineSimilarity or ScoreKind.CosineDistance)
        {
            q = Normalized(query);
        }

        var entry = _entryPoint;
        var entryScore = Similarity(q, entry);
        for (var l = _maxLevel; l > 0; l--)
        {
            (entry, entryScore) = Greedy(q, entry, entryScore, l);
        }

        var scratch = HnswScratch.ForCurrentThread;
        var count = SearchLayer(q, entry, entryScore, Math.Max(ef, top), 0, scratch);
        var found = scratch.Ordered.AsSpan(0, count);
        var results = new List<(float Score, int Id)>(Math.Min(top, found.Length));
        foreach (var candidate in found)
        {
            if (!IsDeleted(candidate.Id))
            {
                results.Add(candidate);
                if (results.Count == top)
                {
                    break;
                }
            }
        }

        return [.. results];
    }

    private bool IsDeleted(int node) => (_deleted[node >> 6] & (1UL << (node & 63))) != 0;

    private void Store(int node, ReadOnlySpan<float> vector)
    {
        var chunk = node >> ChunkShift;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, chunk + 1);
            _chunks[chunk] = new float[ChunkSize * Dimensions];
            Array.Resize(ref _layer0, chunk + 1);
            _layer0[chunk] = new int[ChunkSize * _stride0];
        }

        if (node == _upper.Length)
        {
            Array.Resize(ref _upper, Math.Max(ChunkSize, _upper.Length * 2));
        }

        if ((node >> 6) >= _deleted.Length)
        {
            Array.Resize(ref _deleted, Math.Max(64, _deleted.Length * 2));
        }

        var target = _chunks[chunk].AsSpan((node & ChunkMask) * Dimensions, Dimensions);
        vector.CopyTo(target);
        if (_kind is ScoreKind.CosineSimilarity or ScoreKind.CosineDistance)
        {
            var norm = TensorPrimitives.Norm(target);
            if (norm > 0f)
            {
                TensorPrimitives.Divide(target, norm, target);
            }
        }
    }

    private ReadOnlySpan<float> Vector(int node) => _chunks[node >> ChunkShift].AsSpan((node & ChunkMask) * Dimensions, Dimensions);

    /// <summary>The link block of <paramref name="node"/> on <paramref name="level"/>: element 0 is the count, then the ids.</summary>
    private Span<int> LinkBlock(int node, int level) => level == 0
        ? _layer0[node >> ChunkShift].AsSpan((node & ChunkMask) * _stride0, _stride0)
        : _upper[node].AsSpan((level - 1) * _strideUpper, _strideUpper);

    private ReadOnlySpan<int> Neighbours(int node, int level)
    {
        var block = LinkBlock(node, level);
        return block.Slice(1, block[0]);
    }

    private int LevelOf(int node) => _upper[node] is { } upper ? upper.Length / _strideUpper : 0;

    private static float[] Normalized(ReadOnlySpan<float> vector)
    {
        var normalized = vector.ToArray();
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0f)
        {
            TensorPrimitives.Divide(normalized, norm, normalized);
        }

        return normalized;
    }

    /// <summary>Similarity on the kernel's internal scale (higher is closer).</summary>
    private float Similarity(ReadOnlySpan<float> query, int node)
    {
        var vector = Vector(node);
        return _kind switch
        {
            ScoreKind.EuclideanDistance => -TensorPrimitives.Distance(query, vector),
            ScoreKind.EuclideanSquaredDistance => EuclideanSquaredScorer.Score(query, vector, 0f),
            _ => TensorPrimitives.Dot(query, vector), // cosine (vectors normalised) and dot products
        };
    }

    private int RandomLevel() => (int)Math.Min(16, Math.Floor(-Math.Log(1 - _random.NextDouble()) * _levelMultiplier));

    private (int Node, float Score) Greedy(ReadOnlySpan<float> query, int entry, float entryScore, int level)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var neighbour in Neighbours(entry, level))
            {
                var score = Similarity(query, neighbour);
                if (score > entryScore)
                {
                    (entry, entryScore) = (neighbour, score);
                    changed = true;
                }
            }
        }

        return (entry, entryScore);
    }

    /// <summary>
    /// Beam search on one layer; leaves up to <paramref name="ef"/> candidates best first in
    /// <see cref="HnswScratch.Ordered"/> and returns how many.
    /// </summary>
    private int SearchLayer(ReadOnlySpan<float> query, int entry, float entryScore, int ef, int level, HnswScratch scratch)
    {
        scratch.Reset(NodeCount);
        var candidates = scratch.Candidates; // keyed by -score: best on top
        var results = scratch.Results; // keyed by score: worst on top
        _ = scratch.Visit(entry);
        candidates.Push(-entryScore, entry);
        results.Push(entryScore, entry);
        Span<int> pending = stackalloc int[_maxLayer0];

        while (candidates.Count > 0)
        {
            var current = candidates.TopNode;
            var currentScore = -candidates.TopKey;
            candidates.Pop();
            if (currentScore < results.TopKey && results.Count >= ef)
            {
                break;
            }

            if (level > 0 && level > LevelOf(current))
            {
                continue;
            }

            // Collect the unvisited neighbours and read the first element of each vector before scoring any: the loads
            // miss the cache independently, so the memory system fetches them in parallel instead of one at a time.
            var fresh = 0;
            var touched = 0f;
            foreach (var neighbour in Neighbours(current, level))
            {
                if (scratch.Visit(neighbour))
                {
                    pending[fresh++] = neighbour;
                    touched += _chunks[neighbour >> ChunkShift][(neighbour & ChunkMask) * Dimensions];
                }
            }

            scratch.Sink = touched;
            foreach (var neighbour in pending[..fresh])
            {
                var score = Similarity(query, neighbour);
                if (results.Count < ef || score > results.TopKey)
                {
                    candidates.Push(-score, neighbour);
                    results.Push(score, neighbour);
                    if (results.Count > ef)
                    {
                        results.Pop();
                    }
                }
            }
        }

        var count = results.Count;
        scratch.EnsureOrderedCapacity(count);
        var ordered = scratch.Ordered;
        for (var i = count - 1; i >= 0; i--)
        {
            ordered[i] = (results.TopKey, results.TopNode);
            results.Pop();
        }

        return count;
    }

    /// <summary>
    /// The HNSW neighbour heuristic: walk candidates best first and keep one only if it is closer to the base than to every
    /// neighbour already kept, which spreads links in different directions. Writes the kept ids to
    /// <paramref name="destination"/> (which must not overlap the candidates) and returns how many.
    /// </summary>
    private int SelectNeighbours(ReadOnlySpan<(float Score, int Id)> candidatesBestFirst, int max, Span<int> destination)
    {
        if (candidatesBestFirst.Length <= max)
        {
            for (var i = 0; i < candidatesBestFirst.Length; i++)
            {
                destination[i] = candidatesBestFirst[i].Id;
            }

            return candidatesBestFirst.Length;
        }

        var count = 0;
        foreach (var (score, id) in candidatesBestFirst)
        {
            var keep = true;
            var vector = Vector(id);
            for (var j = 0; j < count; j++)
            {
                if (Similarity(vector, destination[j]) > score)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                destination[count++] = id;
                if (count == max)
                {
                    break;
                }
            }
        }

        return count;
    }

    private void Connect(int node, int newNeighbour, int level)
    {
        var block = LinkBlock(node, level);
        var count = block[0];
        var max = level == 0 ? _maxLayer0 : _m;
        if (count < max)
        {
            block[1 + count] = newNeighbour;
            block[0] = count + 1;
            return;
        }

        var vector = Vector(node);
        var candidates = _pruneBuffer.AsSpan(0, count + 1);
        for (var i = 0; i < count; i++)
        {
            var id = block[1 + i];
            candidates[i] = (Similarity(vector, id), id);
        }

        candidates[count] = (Similarity(vector, newNeighbour), newNeighbour);
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        block[0] = SelectNeighbours(candidates, max, block[1..]);
    }
}
