namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>
/// A bounded min-heap that keeps the <c>k</c> best (highest) scores seen so far, so a scan over <c>n</c> vectors costs
/// O(n log k) with almost every candidate rejected by a single comparison against the current minimum.
/// </summary>
/// <remarks>Not thread-safe; one heap per query.</remarks>
internal sealed class TopKHeap
{
    private readonly float[] _scores;
    private readonly int[] _ids;
    private int _count;

    public TopKHeap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _scores = new float[capacity];
        _ids = new int[capacity];
    }

    public int Count => _count;

    public int Capacity => _scores.Length;

    /// <summary>The score a candidate must beat to enter a full heap; negative infinity while the heap is not full.</summary>
    public float Threshold => _count == _scores.Length ? _scores[0] : float.NegativeInfinity;

    /// <summary>Offers a candidate; it is kept when the heap is not full or it beats the current minimum.</summary>
    public void Offer(float score, int id)
    {
        if (_count < _scores.Length)
        {
            // Sift up.
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (_scores[parent] <= score)
                {
                    break;
                }

                _scores[i] = _scores[parent];
                _ids[i] = _ids[parent];
                i = parent;
            }

            _scores[i] = score;
            _ids[i] = id;
            return;
        }

        if (score > _scores[0])
        {
            ReplaceRoot(score, id);
        }
    }

    /// <summary>Removes every entry and returns them best first.</summary>
    public (float Score, int Id)[] DrainDescending()
    {
        var result = new (float Score, int Id)[_count];
        for (var i = _count - 1; i >= 0; i--)
        {
            result[i] = (_scores[0], _ids[0]);
            var lastIndex = _count - 1;
            var lastScore = _scores[lastIndex];
            var lastId = _ids[lastIndex];
            _count--;
            if (_count > 0)
            {
                SiftDown(lastScore, lastId);
            }
        }

        return result;
    }

    private void ReplaceRoot(float score, int id) => SiftDown(score, id);

    private void SiftDown(float score, int id)
    {
        var i = 0;
        var half = _count >> 1;
        while (i < half)
        {
            var child = (2 * i) + 1;
            var right = child + 1;
            if (right < _count && _scores[right] < _scores[child])
            {
                child = right;
            }

            if (score <= _scores[child])
            {
                break;
            }

            _scores[i] = _scores[child];
            _ids[i] = _ids[child];
            i = child;
        }

        _scores[i] = score;
        _ids[i] = id;
    }
}
