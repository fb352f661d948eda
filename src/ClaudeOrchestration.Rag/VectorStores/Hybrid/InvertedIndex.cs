using System.Buffers;
using System.Runtime.InteropServices;

namespace ClaudeOrchestration.Rag.VectorStores.Hybrid;

/// <summary>
/// The in-memory store's keyword index for one full-text property: postings (term → document → term frequency) kept in step
/// with the records on every upsert and delete, ranked with BM25 (k1 = 1.2, b = 0.75, FTS5's floored idf).
/// </summary>
/// <remarks>Not thread-safe on its own: the collection state mutates it under its write lock and searches it under the read lock.</remarks>
internal sealed class InvertedIndex
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const double MinIdf = 1e-6;

    private readonly Dictionary<object, int> _documentByKey = [];
    private readonly List<Document?> _documents = [];
    private readonly Stack<int> _free = new();
    private readonly Dictionary<string, Postings> _postings = new(StringComparer.Ordinal);
    private readonly List<int> _lengths = [];
    private long _totalLength;

    /// <summary>The number of indexed records (those with any term).</summary>
    public int Count => _documentByKey.Count;

    /// <summary>Indexes (or re-indexes) the text of the record with <paramref name="key"/>.</summary>
    public void Upsert(object key, string? text)
    {
        _ = Remove(key);
        var terms = KeywordAnalyzer.Terms(text);
        if (terms.Count == 0)
        {
            return;
        }

        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
        }

        var id = _free.Count > 0 ? _free.Pop() : _documents.Count;
        var document = new Document(key, terms.Count, [.. frequencies.Keys]);
        if (id == _documents.Count)
        {
            _documents.Add(document);
            _lengths.Add(terms.Count);
        }
        else
        {
            _documents[id] = document;
            _lengths[id] = terms.Count;
        }

        _documentByKey[key] = id;
        _totalLength += terms.Count;
        foreach (var (term, frequency) in frequencies)
        {
            if (!_postings.TryGetValue(term, out var postings))
            {
                postings = new Postings();
                _postings[term] = postings;
            }

            postings.Set(id, frequency);
        }
    }

    /// <summary>Removes the record with <paramref name="key"/>; <see langword="false"/> when it was not indexed.</summary>
    public bool Remove(object key)
    {
        if (!_documentByKey.Remove(key, out var id))
        {
            return false;
        }

        var document = _documents[id]!;
        foreach (var term in document.Terms)
        {
            var postings = _postings[term];
            postings.Remove(id);
            if (postings.Count == 0)
            {
                _ = _postings.Remove(term);
            }
        }

        _totalLength -= document.Length;
        _documents[id] = null;
        _free.Push(id);
        return true;
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _documentByKey.Clear();
        _documents.Clear();
        _lengths.Clear();
        _free.Clear();
        _postings.Clear();
        _totalLength = 0;
    }

    /// <summary>
    /// The best <paramref name="top"/> records for <paramref name="queryTerms"/> (analysed with <see cref="KeywordAnalyzer"/>),
    /// best first, that <paramref name="allow"/> accepts; records without any query term are never returned.
    /// </summary>
    public List<(object Key, double Score)> Search(IReadOnlyList<string> queryTerms, int top, Func<object, bool>? allow)
    {
        var results = new List<(object Key, double Score)>();
        if (queryTerms.Count == 0 || _documentByKey.Count == 0 || top < 1)
        {
            return results;
        }

        var count = (double)_documentByKey.Count;
        var averageLength = Math.Max(1d, _totalLength / count);

        // Scores accumulate in a pooled array indexed by document id (a dictionary costs several times more per posting on
        // long queries over large collections); BM25 weights are always positive, so 0 marks "not touched yet".
        var scores = ArrayPool<double>.Shared.Rent(_documents.Count);
        var touched = new List<int>();
        try
        {
            Array.Clear(scores, 0, _documents.Count);

            // BM25 per posting is idf·(k1+1)·tf / (tf + k1·(1−b) + k1·b·length/avgLength); the per-term and per-query parts are
            // hoisted, and postings are scanned as contiguous arrays (a dictionary enumeration costs several times more).
            var lengthFree = K1 * (1 - B);
            var perLength = K1 * B / averageLength;
            var lengths = CollectionsMarshal.AsSpan(_lengths);
            foreach (var term in queryTerms)
            {
                if (!_postings.TryGetValue(term, out var postings))
                {
                    continue;
                }

                var idf = Idf(count, postings.Count);
                var weight = idf * (K1 + 1);
                var (ids, frequencies) = postings.Scan();
                for (var p = 0; p < ids.Length; p++)
                {
                    var id = ids[p];
                    var frequency = frequencies[p];
                    if (scores[id] == 0)
                    {
                        touched.Add(id);
                    }

                    scores[id] += weight * frequency / (frequency + lengthFree + (perLength * lengths[id]));
                }
            }

            // The heap holds document ids: a record's key (a pointer into the heap of objects) is read only for the few that
            // can still enter the top, or when a filter has to see it.
            var heap = new PriorityQueue<int, (double Score, int Id)>(Comparer<(double Score, int Id)>.Create(
                static (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Id.CompareTo(a.Id)));
            foreach (var id in touched)
            {
                var score = scores[id];
                if (heap.Count == top && heap.TryPeek(out _, out var worst) && (score < worst.Score || (score == worst.Score && id > worst.Id)))
                {
                    continue;
                }

                if (allow is not null && !allow(_documents[id]!.Key))
                {
                    continue;
                }

                if (heap.Count < top)
                {
                    heap.Enqueue(id, (score, id));
                }
                else
                {
                    _ = heap.EnqueueDequeue(id, (score, id));
                }
            }

            while (heap.TryDequeue(out var id, out var priority))
            {
                results.Add((_documents[id]!.Key, priority.Score));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
        }

        results.Reverse();
        return results;
    }

    // Robertson–Spärck Jones idf, as SQLite FTS5's bm25() computes it: a term in more than half the documents is floored to
    // (almost) nothing instead of Lucene's log(1 + x) keeping it at up to ln 2. On long queries (an agent's paragraph, a CISI
    // query) common words otherwise outvote the rare ones; measured on CISI in docs/benchmarks.md.
    private static double Idf(double count, int documentFrequency) =>
        Math.Max(MinIdf, Math.Log((count - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    private sealed record Document(object Key, int Length, string[] Terms);

    /// <summary>
    /// One term's postings: a dictionary for O(1) upsert and delete, and a sorted array copy for scanning, rebuilt by the
    /// first search after a change.
    /// </summary>
    /// <remarks>
    /// Searches run concurrently under the collection's read lock, so two of them may rebuild the copy at once; each builds
    /// an equal pair of arrays and publishes it with one reference write, so either copy is correct. Writes (under the
    /// write lock) drop the copy.
    /// </remarks>
    private sealed class Postings
    {
        private readonly Dictionary<int, int> _frequencies = [];
        private volatile Frozen? _frozen;

        public int Count => _frequencies.Count;

        public void Set(int id, int frequency)
        {
            _frequencies[id] = frequency;
            _frozen = null;
        }

        public void Remove(int id)
        {
            _ = _frequencies.Remove(id);
            _frozen = null;
        }

        public Frozen Scan()
        {
            var frozen = _frozen;
            if (frozen is null)
            {
                var ids = new int[_frequencies.Count];
                var frequencies = new int[ids.Length];
                var i = 0;
                foreach (var (id, frequency) in _frequencies)
                {
                    ids[i] = id;
                    frequencies[i++] = frequency;
                }

                Array.Sort(ids, frequencies);
                frozen = new Frozen(ids, frequencies);
                _frozen = frozen;
            }

            return frozen;
        }
    }

    /// <summary>A term's postings as parallel arrays, by document id.</summary>
    private sealed record Frozen(int[] Ids, int[] Frequencies);
}
