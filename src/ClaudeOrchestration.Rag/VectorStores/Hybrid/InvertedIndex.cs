using System.Buffers;

namespace ClaudeOrchestration.Rag.VectorStores.Hybrid;

/// <summary>
/// The in-memory store's keyword index for one full-text property: postings (term → document → term frequency) kept in step
/// with the records on every upsert and delete, ranked with BM25 (k1 = 1.2, b = 0.75, Lucene's non-negative idf).
/// </summary>
/// <remarks>Not thread-safe on its own: the collection state mutates it under its write lock and searches it under the read lock.</remarks>
internal sealed class InvertedIndex
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    private readonly Dictionary<object, int> _documentByKey = [];
    private readonly List<Document?> _documents = [];
    private readonly Stack<int> _free = new();
    private readonly Dictionary<string, Dictionary<int, int>> _postings = new(StringComparer.Ordinal);
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
        }
        else
        {
            _documents[id] = document;
        }

        _documentByKey[key] = id;
        _totalLength += terms.Count;
        foreach (var (term, frequency) in frequencies)
        {
            if (!_postings.TryGetValue(term, out var postings))
            {
                postings = [];
                _postings[term] = postings;
            }

            postings[id] = frequency;
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
            _ = postings.Remove(id);
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
            foreach (var term in queryTerms)
            {
                if (!_postings.TryGetValue(term, out var postings))
                {
                    continue;
                }

                var idf = Math.Log(1 + ((count - postings.Count + 0.5) / (postings.Count + 0.5)));
                foreach (var (id, frequency) in postings)
                {
                    var length = _documents[id]!.Length;
                    if (scores[id] == 0)
                    {
                        touched.Add(id);
                    }

                    scores[id] += idf * frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * length / averageLength))));
                }
            }

            var heap = new PriorityQueue<(object Key, double Score), (double Score, int Id)>(Comparer<(double Score, int Id)>.Create(
                static (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Id.CompareTo(a.Id)));
            foreach (var id in touched)
            {
                var score = scores[id];
                var key = _documents[id]!.Key;
                if (allow is not null && !allow(key))
                {
                    continue;
                }

                if (heap.Count < top)
                {
                    heap.Enqueue((key, score), (score, id));
                }
                else
                {
                    _ = heap.EnqueueDequeue((key, score), (score, id));
                }
            }

            while (heap.Count > 0)
            {
                results.Add(heap.Dequeue());
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
        }

        results.Reverse();
        return results;
    }

    private sealed record Document(object Key, int Length, string[] Terms);
}
