#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using ClaudeOrchestration.Rag.VectorStores.Hybrid;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.VectorStores.InMemory;

/// <summary>
/// A collection of an <see cref="EmbeddedMemoryVectorStore"/>: records described by MEVD attributes or a
/// <see cref="VectorStoreCollectionDefinition"/> (or <see cref="Dictionary{TKey, TValue}"/> records for a dynamic collection),
/// searched exactly with SIMD and a top-k heap. Obtain one from <see cref="EmbeddedMemoryVectorStore.GetCollection{TKey, TRecord}"/>.
/// </summary>
/// <typeparam name="TKey">The key type: <see cref="string"/>, <see cref="int"/>, <see cref="long"/> or <see cref="Guid"/> (<see cref="object"/> for dynamic collections).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
/// <remarks>
/// Thread-safe: searches and reads share a reader lock, writes take it exclusively. Filters are LINQ expressions compiled
/// once per call into a predicate over the stored row; see the filter rules on <see cref="SearchAsync{TInput}"/>.
/// </remarks>
#pragma warning disable CA1711 // "Collection" is MEVD's own name for this concept (VectorStoreCollection).
public sealed class EmbeddedMemoryCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
#pragma warning restore CA1711
    where TKey : notnull
    where TRecord : class
{
    private readonly EmbeddedMemoryVectorStore _store;
    private readonly RecordBinding<TKey, TRecord> _binding;
    private readonly VectorStoreCollectionMetadata _metadata;
    private readonly int[] _fullTextOrdinals;

    internal EmbeddedMemoryCollection(EmbeddedMemoryVectorStore store, string name, CollectionModel model)
    {
        _store = store;
        Name = name;
        _binding = new RecordBinding<TKey, TRecord>(model, name);
        _metadata = new VectorStoreCollectionMetadata { VectorStoreSystemName = EmbeddedMemoryVectorStore.SystemName, CollectionName = name };
        _fullTextOrdinals = [.. _binding.DataProperties.Where(p => p.IsFullTextIndexed && p.Type == typeof(string)).Select(_binding.RowOrdinalOf)];
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
        => Task.FromResult(_store.TryGetState(Name, out _));

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        var state = _store.GetOrCreateState(Name, _binding.Signature, _binding.ColumnSpecs(_store.Hnsw), _fullTextOrdinals);
        CheckSignature(state);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        _ = _store.RemoveState(Name);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        var includeVectors = options?.IncludeVectors ?? false;
        _binding.ThrowIfIncludeVectorsUnsupported(includeVectors);
        var boxedKey = _binding.BoxKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        var record = GetState().Read(table => table.TryGetSlot(boxedKey, out var slot) ? Materialize(table, slot, includeVectors) : null);
        return Task.FromResult(record);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(
        IEnumerable<TKey> keys,
        RecordRetrievalOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var includeVectors = options?.IncludeVectors ?? false;
        _binding.ThrowIfIncludeVectorsUnsupported(includeVectors);
        var boxedKeys = keys.Select(_binding.BoxKey).ToList();
        cancellationToken.ThrowIfCancellationRequested();

        var records = GetState().Read(table =>
        {
            var found = new List<TRecord>(boxedKeys.Count);
            foreach (var key in boxedKeys)
            {
                if (table.TryGetSlot(key, out var slot))
                {
                    found.Add(Materialize(table, slot, includeVectors));
                }
            }

            return found;
        });

        foreach (var record in records)
        {
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(
        Expression<Func<TRecord, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new FilteredRecordRetrievalOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _binding.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);

        var predicate = RowFilterCompiler.Compile(filter, _binding.Model, _binding.RowOrdinalOf);
        var ordering = RowOrdering.Create(options.OrderBy, _binding);
        cancellationToken.ThrowIfCancellationRequested();

        var records = GetState().Read(table =>
        {
            var matches = new List<int>();
            for (var slot = 0; slot < table.Count; slot++)
            {
                if (table.RowAt(slot) is { } row && predicate(row))
                {
                    matches.Add(slot);
                }
            }

            ordering?.Sort(matches, table);
            return matches.Skip(options.Skip).Take(top).Select(slot => Materialize(table, slot, options.IncludeVectors)).ToList();
        });

        foreach (var record in records)
        {
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        var boxedKey = _binding.BoxKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        var state = GetState();
        state.Write(table =>
        {
            if (table.Remove(boxedKey))
            {
                RemoveKeywords(state, boxedKey);
            }
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var boxedKeys = keys.Select(_binding.BoxKey).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        var state = GetState();
        state.Write(table =>
        {
            foreach (var key in boxedKeys)
            {
                if (table.Remove(key))
                {
                    RemoveKeywords(state, key);
                }
            }
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The batch is validated (keys, vector dimensions) and its embeddings generated before anything is stored, then
    /// applied under one write lock: readers see all of it or none of it.
    /// </remarks>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = records as IReadOnlyList<TRecord> ?? records.ToList();
        if (batch.Count == 0)
        {
            return;
        }

        var state = GetState();
        var keys = new object[batch.Count];
        var rows = new object?[batch.Count][];
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i] ?? throw new ArgumentException("The batch contains a null record.", nameof(records));
            keys[i] = _binding.KeyOf(record);
            rows[i] = ToRow(record, keys[i]);
        }

        var vectors = await _binding.GetVectorsAsync(batch, keys, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        state.Write(table =>
        {
            for (var i = 0; i < batch.Count; i++)
            {
                table.Upsert(keys[i], vectors[i], rows[i]);
                foreach (var (ordinal, index) in state.KeywordIndexes)
                {
                    index.Upsert(keys[i], rows[i][ordinal] as string);
                }
            }
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// Exact search: every vector (or every vector whose record passes <see cref="VectorSearchOptions{TRecord}.Filter"/>) is
    /// scored, and a heap keeps the best <c>Skip + top</c>. A vector property declared with <c>IndexKind = IndexKind.Hnsw</c>
    /// is searched approximately through an HNSW graph (<see cref="EmbeddedMemoryVectorStoreOptions.Hnsw"/>) when there is no filter. Scores follow the property's distance function: similarities
    /// (cosine, dot product) rank descending, distances (cosine distance, negative dot product, Euclidean) ascending;
    /// <see cref="VectorSearchOptions{TRecord}.ScoreThreshold"/> keeps results at least that similar (or at most that
    /// distant). Filters support <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>&amp;&amp; || !</c>, bool properties, captured
    /// variables and <c>Contains</c>; other nodes throw <see cref="NotSupportedException"/>.
    /// </remarks>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _binding.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);

        var vectorProperty = _binding.Model.GetVectorPropertyOrSingle(options);
        var column = _binding.VectorColumnOf(vectorProperty);
        var kind = _binding.ScoreKinds[column];
        var state = GetState();
        var query = await _binding.GetSearchVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);
        var predicate = options.Filter is null ? null : RowFilterCompiler.Compile(options.Filter, _binding.Model, _binding.RowOrdinalOf);
        cancellationToken.ThrowIfCancellationRequested();

        var results = state.Read(table =>
        {
            var ranked = predicate is null
                ? VectorSearcher.Search(table, column, kind, query.Span, top, options.Skip, options.ScoreThreshold, default(AllSlots), filtered: false)
                : VectorSearcher.Search(table, column, kind, query.Span, top, options.Skip, options.ScoreThreshold, new RowPredicate(table.Rows, predicate), filtered: true);
            return ranked.Select(r => new VectorSearchResult<TRecord>(Materialize(table, r.Slot, options.IncludeVectors), r.Score)).ToList();
        });

        foreach (var result in results)
        {
            yield return result;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Two independent retrievals under one read lock: the best <c>Skip + top</c> records by vector (exactly as
    /// <see cref="SearchAsync{TInput}"/>, <see cref="HybridSearchOptions{TRecord}.ScoreThreshold"/> applying to the vector
    /// score) and the best <c>Skip + top</c> by BM25 over the full-text property's inverted index (words of
    /// <paramref name="keywords"/>, OR-ed), both honouring <see cref="HybridSearchOptions{TRecord}.Filter"/>; then reciprocal
    /// rank fusion (k = 60). The reported score is the fused score: higher is better, comparable only within one result list.
    /// The full-text property is <see cref="HybridSearchOptions{TRecord}.AdditionalProperty"/>, or the only string property
    /// declared <c>IsFullTextIndexed</c>.
    /// </remarks>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(
        TInput searchValue,
        ICollection<string> keywords,
        int top,
        HybridSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new HybridSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _binding.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);

        var vectorProperty = _binding.Model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        var textOrdinal = _binding.RowOrdinalOf(_binding.Model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty));
        var column = _binding.VectorColumnOf(vectorProperty);
        var kind = _binding.ScoreKinds[column];
        var state = GetState();
        var query = await _binding.GetSearchVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);
        var predicate = options.Filter is null ? null : RowFilterCompiler.Compile(options.Filter, _binding.Model, _binding.RowOrdinalOf);
        var terms = KeywordAnalyzer.QueryTerms(keywords);
        var wanted = (int)Math.Min((long)top + options.Skip, int.MaxValue);
        var fusion = _store.HybridFusion;
        var keywordWeight = WeightedHybridSearchOptions<TRecord>.KeywordWeightOf(options);
        cancellationToken.ThrowIfCancellationRequested();

        var results = state.Read(table =>
        {
            var byVector = predicate is null
                ? VectorSearcher.Search(table, column, kind, query.Span, wanted, 0, options.ScoreThreshold, default(AllSlots), filtered: false)
                : VectorSearcher.Search(table, column, kind, query.Span, wanted, 0, options.ScoreThreshold, new RowPredicate(table.Rows, predicate), filtered: true);
            var vector = byVector.ConvertAll(h => (table.KeyAt(h.Slot), h.Score));
            var keyword = state.KeywordIndexes[textOrdinal].Search(
                terms,
                wanted,
                predicate is null ? null : key => table.TryGetSlot(key, out var slot) && table.RowAt(slot) is { } row && predicate(row));
            var fused = HybridFusion.Fuse(vector, keyword, fusion, keywordWeight);
            var page = new List<VectorSearchResult<TRecord>>(Math.Min(top, fused.Count));
            foreach (var (key, score) in fused.Skip(options.Skip).Take(top))
            {
                if (table.TryGetSlot(key, out var slot))
                {
                    page.Add(new VectorSearchResult<TRecord>(Materialize(table, slot, options.IncludeVectors), score));
                }
            }

            return page;
        });

        foreach (var result in results)
        {
            yield return result;
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Keyword-only ranking (BM25 over the single full-text property's index), for the retrieval-quality benchmark.</summary>
    internal List<(object Key, double Score)> RankByKeywords(IEnumerable<string> keywords, int top)
    {
        var state = GetState();
        var terms = KeywordAnalyzer.QueryTerms(keywords);
        return state.Read(_ => state.KeywordIndexes[_fullTextOrdinals.Single()].Search(terms, top, allow: null));
    }

    private static void RemoveKeywords(EmbeddedMemoryCollectionState state, object key)
    {
        foreach (var index in state.KeywordIndexes.Values)
        {
            _ = index.Remove(key);
        }
    }

    private EmbeddedMemoryCollectionState GetState()
    {
        if (!_store.TryGetState(Name, out var state))
        {
            throw new VectorStoreException($"Collection '{Name}' does not exist; call EnsureCollectionExistsAsync first.")
            {
                VectorStoreSystemName = EmbeddedMemoryVectorStore.SystemName,
                CollectionName = Name,
            };
        }

        CheckSignature(state);
        return state;
    }

    private void CheckSignature(EmbeddedMemoryCollectionState state)
    {
        if (!string.Equals(state.Signature, _binding.Signature, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Collection '{Name}' was created with schema [{state.Signature}] but this collection object has schema [{_binding.Signature}]. "
                + "Use the same record type (or an equivalent definition) for every collection object with this name, or delete the collection first.");
        }
    }

    private object?[] ToRow(TRecord record, object key)
    {
        var row = new object?[_binding.DataProperties.Count + 1];
        row[0] = key;
        for (var i = 0; i < _binding.DataProperties.Count; i++)
        {
            var property = _binding.DataProperties[i];
            row[i + 1] = StoredValue.Copy(property.GetValueAsObject(record)) ?? StoredValue.DefaultFor(property.Type);
        }

        return row;
    }

    private TRecord Materialize(VectorSlotTable table, int slot, bool includeVectors)
    {
        var row = table.RowAt(slot)!;
        return _binding.Materialize(
            row[0]!,
            i => StoredValue.Copy(row[i + 1]),
            includeVectors ? column => table.Columns[column].Get(slot).ToArray() : null);
    }
}
