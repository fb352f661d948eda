using System.Numerics.Tensors;

namespace ClaudeOrchestration.Rag.VectorStores.Hnsw;

/// <summary>
/// A Hierarchical Navigable Small World graph (Malkov &amp; Yashunin) for approximate nearest-neighbour search. Nodes are
/// numbered in insertion order and keep their own copy of the vector (normalised for cosine). Removal marks a node deleted:
/// it still routes searches but is never returned; the owner rebuilds the graph when deleted nodes pile up.
/// </summary>
/// <remarks>Writers must be serialised against everything else; concurrent searches are safe (each has its own visited set).</remarks>
internal sealed class HnswIndex
{
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly ScoreKind _kind;
    private readonly int _m;
    private readonly int _maxLayer0;
    private readonly int _efConstruction;
    private readonly double _levelMultiplier;
    private readonly Random _random;
    private float[][] _chunks = [];
    private int[][][] _links = [];
    private ulong[] _deleted = [];
    private ulong[] _buildVisited = [];
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
        _efConstruction = options.EfConstruction;
        EfSearch = options.EfSearch;
        _levelMultiplier = 1 / Math.Log(options.M);
        _random = options.Seed is int seed ? new Random(seed) : new Random();
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
        var links = new int[level + 1][];
        for (var l = 0; l <= level; l++)
        {
            links[l] = [];
        }

        _links[node] = links;
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

        if (_buildVisited.Length < (NodeCount + 63) >> 6)
        {
            _buildVisited = new ulong[Math.Max(64, _buildVisited.Length * 2)];
        }

        for (var l = Math.Min(level, _maxLevel); l >= 0; l--)
        {
            Array.Clear(_buildVisited);
            var candidates = SearchLayer(query, entry, entryScore, _efConstruction, l, _buildVisited);
            var selected = SelectNeighbours(candidates, _m);
            links[l] = selected;
            foreach (var neighbour in selected)
            {
                Connect(neighbour, node, l);
            }

            (entryScore, entry) = candidates[0];
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

        var visited = new ulong[(NodeCount + 63) >> 6];
        var candidates = SearchLayer(q, entry, entryScore, Math.Max(ef, top), 0, visited);
        var results = new List<(float Score, int Id)>(Math.Min(top, candidates.Count));
        foreach (var candidate in candidates)
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
        }

        if (node == _links.Length)
        {
            Array.Resize(ref _links, Math.Max(ChunkSize, _links.Length * 2));
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
            foreach (var neighbour in _links[entry][level])
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

    /// <summary>Beam search on one layer; returns up to <paramref name="ef"/> candidates, best first.</summary>
    private List<(float Score, int Id)> SearchLayer(ReadOnlySpan<float> query, int entry, float entryScore, int ef, int level, ulong[] visited)
    {
        var candidates = new PriorityQueue<int, float>(); // best first (priority = -score)
        var results = new PriorityQueue<int, float>(); // worst first (priority = score)
        Visit(visited, entry);
        candidates.Enqueue(entry, -entryScore);
        results.Enqueue(entry, entryScore);
        var worst = entryScore;

        while (candidates.TryDequeue(out var current, out var negativeScore))
        {
            if (-negativeScore < worst && results.Count >= ef)
            {
                break;
            }

            var links = _links[current];
            if (level >= links.Length)
            {
                continue;
            }

            foreach (var neighbour in links[level])
            {
                if (!Visit(visited, neighbour))
                {
                    continue;
                }

                var score = Similarity(query, neighbour);
                if (results.Count < ef || score > worst)
                {
                    candidates.Enqueue(neighbour, -score);
                    results.Enqueue(neighbour, score);
                    if (results.Count > ef)
                    {
                        _ = results.Dequeue();
                    }

                    _ = results.TryPeek(out _, out worst);
                }
            }
        }

        var ordered = new List<(float Score, int Id)>(results.Count);
        while (results.TryDequeue(out var node, out var score))
        {
            ordered.Add((score, node));
        }

        ordered.Reverse();
        return ordered;
    }

    private static bool Visit(ulong[] visited, int node)
    {
        ref var word = ref visited[node >> 6];
        var bit = 1UL << (node & 63);
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        return true;
    }

    /// <summary>
    /// The HNSW neighbour heuristic: walk candidates best first and keep one only if it is closer to the base than to every
    /// neighbour already kept, which spreads links in different directions.
    /// </summary>
    private int[] SelectNeighbours(List<(float Score, int Id)> candidatesBestFirst, int max)
    {
        if (candidatesBestFirst.Count <= max)
        {
            return [.. candidatesBestFirst.Select(c => c.Id)];
        }

        var selected = new List<int>(max);
        foreach (var (score, id) in candidatesBestFirst)
        {
            var keep = true;
            var vector = Vector(id);
            foreach (var chosen in selected)
            {
                if (Similarity(vector, chosen) > score)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                selected.Add(id);
                if (selected.Count == max)
                {
                    break;
                }
            }
        }

        return [.. selected];
    }

    private void Connect(int node, int newNeighbour, int level)
    {
        var links = _links[node][level];
        var max = level == 0 ? _maxLayer0 : _m;
        if (links.Length < max)
        {
            _links[node][level] = [.. links, newNeighbour];
            return;
        }

        var vector = Vector(node);
        var candidates = new List<(float Score, int Id)>(links.Length + 1);
        foreach (var id in links)
        {
            candidates.Add((Similarity(vector, id), id));
        }

        candidates.Add((Similarity(vector, newNeighbour), newNeighbour));
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        _links[node][level] = SelectNeighbours(candidates, max);
    }
}
