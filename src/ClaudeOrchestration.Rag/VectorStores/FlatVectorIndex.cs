using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>
/// A dense arena of fixed-dimension float32 vectors addressed by slot (0..Count-1), stored in fixed-size chunks so that
/// growing never copies the whole arena and a scan reads memory sequentially. Deleting moves the last vector into the
/// hole, so a scan never has to skip tombstones. The reciprocal L2 norm of each vector is kept next to it: cosine
/// similarity is then one dot product per vector against the normalised query.
/// </summary>
/// <remarks>Not thread-safe; callers serialise writers against readers.</remarks>
internal sealed class FlatVectorIndex
{
    internal const int ChunkShift = 12;
    internal const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private float[][] _chunks = [];
    private float[] _inverseNorms = [];

    public FlatVectorIndex(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    public int Count { get; private set; }

    public ReadOnlySpan<float> Get(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)slot, (uint)Count, nameof(slot));
        return _chunks[slot >> ChunkShift].AsSpan((slot & ChunkMask) * Dimensions, Dimensions);
    }

    public float InverseNorm(int slot) => _inverseNorms[slot];

    /// <summary>Appends a vector and returns its slot.</summary>
    public int Add(ReadOnlySpan<float> vector)
    {
        var slot = Count;
        var chunk = slot >> ChunkShift;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, chunk + 1);
            _chunks[chunk] = new float[ChunkSize * Dimensions];
        }

        if (slot == _inverseNorms.Length)
        {
            Array.Resize(ref _inverseNorms, Math.Max(ChunkSize, _inverseNorms.Length * 2));
        }

        Count++;
        Set(slot, vector);
        return slot;
    }

    /// <summary>Overwrites the vector in <paramref name="slot"/>.</summary>
    public void Set(int slot, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"Expected a vector of {Dimensions} dimensions but got {vector.Length}.", nameof(vector));
        }

        vector.CopyTo(_chunks[slot >> ChunkShift].AsSpan((slot & ChunkMask) * Dimensions, Dimensions));
        var norm = TensorPrimitives.Norm(vector);
        _inverseNorms[slot] = norm > 0f && float.IsFinite(norm) ? 1f / norm : 0f;
    }

    /// <summary>Removes the vector in <paramref name="slot"/> by moving the last vector into it.</summary>
    /// <returns>The slot whose vector moved into <paramref name="slot"/>, or -1 when <paramref name="slot"/> was the last one.</returns>
    public int RemoveAt(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)slot, (uint)Count, nameof(slot));
        var last = Count - 1;
        var moved = -1;
        if (slot != last)
        {
            Get(last).CopyTo(_chunks[slot >> ChunkShift].AsSpan((slot & ChunkMask) * Dimensions, Dimensions));
            _inverseNorms[slot] = _inverseNorms[last];
            moved = last;
        }

        Count = last;
        return moved;
    }

    public void Clear()
    {
        _chunks = [];
        _inverseNorms = [];
        Count = 0;
    }

    /// <summary>
    /// Exact search: scores every vector accepted by <paramref name="filter"/> against <paramref name="query"/> and offers
    /// those at or above <paramref name="threshold"/> (internal scale, higher is better) to <paramref name="heap"/>.
    /// </summary>
    public void Search<TFilter>(ReadOnlySpan<float> query, ScoreKind kind, TopKHeap heap, float threshold, TFilter filter)
        where TFilter : struct, ISlotFilter
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Expected a search vector of {Dimensions} dimensions but got {query.Length}.", nameof(query));
        }

        switch (kind)
        {
            case ScoreKind.CosineSimilarity or ScoreKind.CosineDistance:
                // Normalise the query once; each vector then costs one dot product scaled by its stored reciprocal norm.
                var normalized = new float[query.Length];
                var norm = TensorPrimitives.Norm(query);
                if (norm > 0f)
                {
                    TensorPrimitives.Divide(query, norm, normalized);
                }

                Scan<CosineScorer, TFilter>(normalized, heap, threshold, filter);
                break;
            case ScoreKind.DotProductSimilarity or ScoreKind.NegativeDotProductSimilarity:
                Scan<DotScorer, TFilter>(query, heap, threshold, filter);
                break;
            case ScoreKind.EuclideanDistance:
                Scan<EuclideanScorer, TFilter>(query, heap, threshold, filter);
                break;
            case ScoreKind.EuclideanSquaredDistance:
                Scan<EuclideanSquaredScorer, TFilter>(query, heap, threshold, filter);
                break;
            default:
                throw new NotSupportedException($"Unsupported score kind '{kind}'.");
        }
    }

    /// <summary>Scores one stored vector against a raw (not normalised) query on the internal scale.</summary>
    public float Score(ReadOnlySpan<float> query, int slot, ScoreKind kind) => kind switch
    {
        ScoreKind.CosineSimilarity or ScoreKind.CosineDistance => TensorPrimitives.CosineSimilarity(query, Get(slot)),
        ScoreKind.DotProductSimilarity or ScoreKind.NegativeDotProductSimilarity => TensorPrimitives.Dot(query, Get(slot)),
        ScoreKind.EuclideanDistance => -TensorPrimitives.Distance(query, Get(slot)),
        ScoreKind.EuclideanSquaredDistance => EuclideanSquaredScorer.Score(query, Get(slot), 0f),
        _ => throw new NotSupportedException($"Unsupported score kind '{kind}'."),
    };

    private void Scan<TScorer, TFilter>(ReadOnlySpan<float> query, TopKHeap heap, float threshold, TFilter filter)
        where TScorer : struct, IVectorScorer
        where TFilter : struct, ISlotFilter
    {
        var dimensions = Dimensions;
        var remaining = Count;
        var inverseNorms = _inverseNorms;
        var minimum = Math.Max(threshold, heap.Threshold);
        for (var chunkIndex = 0; remaining > 0; chunkIndex++)
        {
            var inChunk = Math.Min(remaining, ChunkSize);
            ref var chunkStart = ref MemoryMarshal.GetArrayDataReference(_chunks[chunkIndex]);
            var baseSlot = chunkIndex << ChunkShift;
            for (var i = 0; i < inChunk; i++)
            {
                var slot = baseSlot + i;
                if (!filter.Include(slot))
                {
                    continue;
                }

                var vector = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref chunkStart, i * dimensions), dimensions);
                var score = TScorer.Score(query, vector, inverseNorms[slot]);

                // NaN fails this comparison, so a vector with NaN components never enters the results.
                if (score >= minimum)
                {
                    heap.Offer(score, slot);
                    minimum = Math.Max(threshold, heap.Threshold);
                }
            }

            remaining -= inChunk;
        }
    }
}

/// <summary>Selects which slots a scan considers; a struct so the no-filter case costs nothing.</summary>
internal interface ISlotFilter
{
    bool Include(int slot);
}

/// <summary>Accepts every slot.</summary>
internal readonly struct AllSlots : ISlotFilter
{
    public bool Include(int slot) => true;
}

/// <summary>Accepts the slots whose bit is set.</summary>
internal readonly struct SlotBitmap(ulong[] bits) : ISlotFilter
{
    public static ulong[] Create(int count) => new ulong[(count + 63) >> 6];

    public static void Set(ulong[] bits, int slot) => bits[slot >> 6] |= 1UL << (slot & 63);

    public bool Include(int slot) => (bits[slot >> 6] & (1UL << (slot & 63))) != 0;
}

/// <summary>Accepts the slots whose stored row satisfies a compiled filter predicate.</summary>
internal readonly struct RowPredicate(object?[]?[] rows, Func<object?[], bool> predicate) : ISlotFilter
{
    public bool Include(int slot) => rows[slot] is { } row && predicate(row);
}

internal interface IVectorScorer
{
    static abstract float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> vector, float inverseNorm);
}

internal readonly struct CosineScorer : IVectorScorer
{
    public static float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> vector, float inverseNorm)
        => TensorPrimitives.Dot(query, vector) * inverseNorm;
}

internal readonly struct DotScorer : IVectorScorer
{
    public static float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> vector, float inverseNorm)
        => TensorPrimitives.Dot(query, vector);
}

internal readonly struct EuclideanScorer : IVectorScorer
{
    public static float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> vector, float inverseNorm)
        => -TensorPrimitives.Distance(query, vector);
}

internal readonly struct EuclideanSquaredScorer : IVectorScorer
{
    public static float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> vector, float inverseNorm)
    {
        var distance = TensorPrimitives.Distance(query, vector);
        return -(distance * distance);
    }
}
