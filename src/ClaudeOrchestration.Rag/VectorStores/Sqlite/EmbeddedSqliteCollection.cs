#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using ClaudeOrchestration.Rag.VectorStores.Hybrid;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>
/// A collection of a <see cref="EmbeddedSqliteVectorStore"/>: one table whose columns are the record's key, data properties and
/// vectors (float32 BLOBs). Obtain one from <see cref="EmbeddedSqliteVectorStore.GetCollection{TKey, TRecord}"/>.
/// </summary>
/// <typeparam name="TKey">The key type: <see cref="string"/>, <see cref="int"/>, <see cref="long"/> or <see cref="Guid"/> (<see cref="object"/> for dynamic collections).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
/// <remarks>
/// <para>
/// Filters: <c>GetAsync(filter, …)</c> translates the LINQ filter to a SQL <c>WHERE</c> clause. A filtered search first
/// selects the matching keys with that clause, then scans only those vectors; an unfiltered search scans them all. Both
/// accept the same filters as the in-memory store (<c>== != &lt; &lt;= &gt; &gt;=</c>, <c>&amp;&amp; || !</c>, bool
/// properties, captured variables, <c>Contains</c>); anything else throws <see cref="NotSupportedException"/>.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
#pragma warning disable CA1711 // "Collection" is MEVD's own name for this concept (VectorStoreCollection).
public sealed class EmbeddedSqliteCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
#pragma warning restore CA1711
    where TKey : notnull
    where TRecord : class
{
    /// <summary>How many hybrid search results are read from the database at a time.</summary>
    private const int HybridReadBatch = 16;

    private readonly EmbeddedSqliteVectorStore _store;
    private readonly RecordBinding<TKey, TRecord> _binding;
    private readonly VectorStoreCollectionMetadata _metadata;
    private readonly string _table;
    private readonly string _keyColumn;
    private readonly string _dataColumns;
    private readonly string _allColumns;
    private readonly string _upsertSql;
    private readonly KeywordIndexTable[] _keywordIndexes;
    private readonly int[] _keywordOrdinals;
    private readonly VectorColumnSpec[] _columnSpecs;
    private volatile bool _schemaVerified;
    private volatile bool _keywordIndexesVerified;

    internal EmbeddedSqliteCollection(EmbeddedSqliteVectorStore store, string name, CollectionModel model)
    {
        _store = store;
        Name = name;
        _binding = new RecordBinding<TKey, TRecord>(model, name);
        _metadata = new VectorStoreCollectionMetadata
        {
            VectorStoreSystemName = EmbeddedSqliteVectorStore.SystemName,
            VectorStoreName = store.DatabasePath,
            CollectionName = name,
        };

        _table = SqliteSql.Quote(name);
        _keyColumn = SqliteSql.Quote(_binding.KeyProperty.StorageName);
        var dataColumns = _binding.DataProperties.Select(p => SqliteSql.Quote(p.StorageName)).ToList();
        var vectorColumns = _binding.VectorProperties.Select(p => SqliteSql.Quote(p.StorageName)).ToList();
        _dataColumns = string.Join(", ", [_keyColumn, .. dataColumns]);
        _allColumns = string.Join(", ", [_keyColumn, .. dataColumns, .. vectorColumns]);

        var valueColumns = dataColumns.Concat(vectorColumns).ToList();
        var parameters = string.Join(", ", Enumerable.Range(0, valueColumns.Count + 1).Select(i => $"@p{i}"));
        var conflict = valueColumns.Count == 0
            ? "DO NOTHING"
            : "DO UPDATE SET " + string.Join(", ", valueColumns.Select(c => $"{c} = excluded.{c}"));
        _upsertSql = $"INSERT INTO {_table} ({_allColumns}) VALUES ({parameters}) ON CONFLICT({_keyColumn}) {conflict};";
        _keywordIndexes = [.. _binding.DataProperties
            .Select((p, ordinal) => (Property: p, Ordinal: ordinal))
            .Where(p => p.Property.IsFullTextIndexed && p.Property.Type == typeof(string))
            .Select(p => new KeywordIndexTable(p.Property, SqliteSql.KeywordIndexPrefix(name) + p.Property.StorageName, p.Ordinal))];
        _keywordOrdinals = [.. _keywordIndexes.Select(k => k.Ordinal)];
        _columnSpecs = _binding.ColumnSpecs(store.Hnsw);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
        => _store.CollectionExistsAsync(Name, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Creates the table (and an index per data property marked <c>IsIndexed</c>) if it does not exist.</remarks>
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        await _store.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteSql.CreateRegistry;
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            var signature = await EmbeddedSqliteVectorStore.GetSignatureAsync(connection, Name, cancellationToken, transaction).ConfigureAwait(false);
            if (signature is null)
            {
                command.CommandText = CreateTableSql();
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                command.CommandText = SqliteSql.InsertRegistry;
                _ = command.Parameters.AddWithValue("@name", Name);
                _ = command.Parameters.AddWithValue("@signature", _binding.Signature);
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                CheckSignature(signature);
            }

            await EnsureKeywordIndexesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaVerified = true;
            _keywordIndexesVerified = true;
        }
        catch (SqliteException ex)
        {
            throw _store.Wrap(ex, Name, nameof(EnsureCollectionExistsAsync));
        }
        finally
        {
            _ = _store.WriteGate.Release();
        }
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        _schemaVerified = false;
        _keywordIndexesVerified = false;
        return _store.EnsureCollectionDeletedAsync(Name, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        var includeVectors = options?.IncludeVectors ?? false;
        _binding.ThrowIfIncludeVectorsUnsupported(includeVectors);
        var boxedKey = _binding.BoxKey(key);
        var found = await ReadByKeysAsync([boxedKey], includeVectors, nameof(GetAsync), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0].Record;
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
        var found = await ReadByKeysAsync(boxedKeys, includeVectors, nameof(GetAsync), cancellationToken).ConfigureAwait(false);
        foreach (var (_, record) in found)
        {
            yield return record;
        }
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

        var (where, parameters) = SqliteFilterTranslator.Translate(filter, _binding.Model);
        var sql = new StringBuilder()
            .Append("SELECT ").Append(options.IncludeVectors ? _allColumns : _dataColumns)
            .Append(" FROM ").Append(_table).Append(" WHERE ").Append(where);
        AppendOrderBy(sql, options);
        sql.Append(" LIMIT @top OFFSET @skip;");

        var records = new List<TRecord>();
        try
        {
            using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql.ToString();
            AddParameters(command, "@f", parameters);
            _ = command.Parameters.AddWithValue("@top", top);
            _ = command.Parameters.AddWithValue("@skip", options.Skip);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(ReadRecord(reader, options.IncludeVectors).Record);
            }
        }
        catch (SqliteException ex)
        {
            throw _store.Wrap(ex, Name, nameof(GetAsync));
        }

        foreach (var record in records)
        {
            yield return record;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
        => DeleteAsync([key], cancellationToken);

    /// <inheritdoc />
    /// <remarks>All keys are deleted in one transaction.</remarks>
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var boxedKeys = keys.Select(_binding.BoxKey).ToList();
        if (boxedKeys.Count == 0)
        {
            return;
        }

        await _store.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var chunk in boxedKeys.Chunk(SqliteSql.MaxInListParameters))
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"DELETE FROM {_table} WHERE {_keyColumn} IN ({InList(command, chunk)});";
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var logged = await EmbeddedSqliteVectorStore.LogChangesAsync(connection, transaction, Name, boxedKeys, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            var cache = _store.LoadedCache(Name);
            cache?.Write(() =>
            {
                foreach (var key in boxedKeys)
                {
                    cache.Remove(key);
                }

                AdvanceChangeSeq(cache, logged);
            });
        }
        catch (SqliteException ex)
        {
            throw _store.Wrap(ex, Name, nameof(DeleteAsync));
        }
        finally
        {
            _ = _store.WriteGate.Release();
        }
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One transaction per call: after a crash the database holds either every record of the batch or none of them.
    /// Records are validated (keys, vector dimensions) and embeddings generated before the transaction starts.
    /// </remarks>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = records as IReadOnlyList<TRecord> ?? records.ToList();
        if (batch.Count == 0)
        {
            return;
        }

        var keys = new object[batch.Count];
        var values = new object[batch.Count][];
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i] ?? throw new ArgumentException("The batch contains a null record.", nameof(records));
            keys[i] = _binding.KeyOf(record);
            var row = new object[1 + _binding.DataProperties.Count + _binding.VectorProperties.Count];
            row[0] = SqliteValueMapping.ToDb(keys[i]);
            for (var d = 0; d < _binding.DataProperties.Count; d++)
            {
                row[1 + d] = SqliteValueMapping.ToDb(_binding.DataProperties[d].GetValueAsObject(record));
            }

            values[i] = row;
        }

        var vectors = await _binding.GetVectorsAsync(batch, keys, cancellationToken).ConfigureAwait(false);
        var firstVector = 1 + _binding.DataProperties.Count;
        for (var i = 0; i < batch.Count; i++)
        {
            for (var v = 0; v < vectors[i].Length; v++)
            {
                values[i][firstVector + v] = SqliteValueMapping.VectorToBlob(vectors[i][v].Span);
            }
        }

        await _store.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = _upsertSql;
            var parameters = new SqliteParameter[values[0].Length];
            for (var p = 0; p < parameters.Length; p++)
            {
                parameters[p] = command.Parameters.Add(new SqliteParameter { ParameterName = $"@p{p}" });
            }

            for (var i = 0; i < values.Length; i++)
            {
                for (var p = 0; p < parameters.Length; p++)
                {
                    parameters[p].Value = values[i][p];
                }

                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var logged = await EmbeddedSqliteVectorStore.LogChangesAsync(connection, transaction, Name, keys, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

            // Committed: mirror the batch into the cache (if a search has loaded it) while still holding the write gate,
            // so the cache sees writes in commit order.
            var cache = _store.LoadedCache(Name);
            cache?.Write(() =>
            {
                var texts = new string?[_keywordOrdinals.Length];
                for (var i = 0; i < batch.Count; i++)
                {
                    for (var k = 0; k < texts.Length; k++)
                    {
                        texts[k] = values[i][1 + _keywordOrdinals[k]] as string;
                    }

                    cache.Put(keys[i], vectors[i], texts);
                }

                AdvanceChangeSeq(cache, logged);
            });
        }
        catch (SqliteException ex)
        {
            throw _store.Wrap(ex, Name, nameof(UpsertAsync));
        }
        finally
        {
            _ = _store.WriteGate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Exact search over the collection's vectors held in memory (loaded on the first search). Scores follow the property's
    /// distance function as in the in-memory store. With a filter, the matching keys are selected in SQL first and only their
    /// vectors are scored. A vector property declared with <c>IndexKind = IndexKind.Hnsw</c> is searched approximately through
    /// an HNSW graph (<see cref="EmbeddedSqliteVectorStoreOptions.Hnsw"/>) when there is no filter.
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
        var query = await _binding.GetSearchVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);
        var (ranked, _) = await RankAsync(query, vectorProperty, keywords: null, options.Filter, top, options.Skip, options.ScoreThreshold, nameof(SearchAsync), cancellationToken).ConfigureAwait(false);
        var records = await ReadByKeysAsync(ranked.Select(r => r.Key).ToList(), options.IncludeVectors, nameof(SearchAsync), cancellationToken).ConfigureAwait(false);
        var byKey = records.ToDictionary(r => r.Key, r => r.Record);
        foreach (var (key, score) in ranked)
        {
            // A record deleted between the scan and the read is skipped.
            if (byKey.TryGetValue(key, out var record))
            {
                yield return new VectorSearchResult<TRecord>(record, score);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Two independent retrievals from the collection's in-memory cache (loaded on the first search, kept in step by this
    /// store's writes): the best <c>Skip + top</c> records by vector (exactly as <see cref="SearchAsync{TInput}"/>,
    /// <see cref="HybridSearchOptions{TRecord}.ScoreThreshold"/> applying to the vector score) and the best <c>Skip + top</c>
    /// by BM25 over the full-text property's postings (words of <paramref name="keywords"/>, OR-ed; Porter-stemmed, FTS5's
    /// idf), both honouring <see cref="HybridSearchOptions{TRecord}.Filter"/>; then reciprocal rank fusion (k = 60). The
    /// reported score is the fused score: higher is better, comparable only within one result list. The full-text property
    /// is <see cref="HybridSearchOptions{TRecord}.AdditionalProperty"/>, or the only string property declared
    /// <c>IsFullTextIndexed</c>. Its durable keyword index is an FTS5 table kept in step with the records by triggers, in the
    /// same transaction as every write; <see cref="EnsureCollectionExistsAsync"/> builds it for a collection created before it
    /// existed. Ranking from cached postings rather than an FTS5 <c>bm25()</c> query keeps hybrid search near vector-only
    /// latency (FTS5 scores every row that matches any query word).
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
        var textProperty = _binding.Model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty);
        var index = _keywordIndexes.First(k => ReferenceEquals(k.Property, textProperty));
        var wanted = (int)Math.Min((long)top + options.Skip, int.MaxValue);
        var query = await _binding.GetSearchVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);

        var (vector, keyword) = await RankAsync(
            query, vectorProperty, (index, KeywordAnalyzer.QueryTerms(keywords)), options.Filter, wanted, 0, options.ScoreThreshold, nameof(HybridSearchAsync), cancellationToken).ConfigureAwait(false);
        var keywordWeight = WeightedHybridSearchOptions<TRecord>.KeywordWeightOf(options);
        var page = HybridFusion.Fuse(vector, keyword, _store.HybridFusion, keywordWeight).Skip(options.Skip).Take(top).ToList();

        // Records are read a few at a time as the caller enumerates: a caller that asks for deep candidates and stops early
        // (the knowledge base takes its Top from HybridCandidates) reads only the records it uses.
        foreach (var batch in page.Chunk(HybridReadBatch))
        {
            var records = await ReadByKeysAsync([.. batch.Select(r => r.Key)], options.IncludeVectors, nameof(HybridSearchAsync), cancellationToken).ConfigureAwait(false);
            var byKey = records.ToDictionary(r => r.Key, r => r.Record);
            foreach (var (key, score) in batch)
            {
                // A record deleted between the ranking and the read is skipped.
                if (byKey.TryGetValue(key, out var record))
                {
                    yield return new VectorSearchResult<TRecord>(record, score);
                }
            }
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

    /// <summary>
    /// The best <paramref name="top"/> keys after <paramref name="skip"/> by vector and, when <paramref name="keywords"/> are
    /// given, by BM25 over the cached postings of that keyword index's property; both best first, from the in-memory cache
    /// under one read lock, so a hybrid search sees one snapshot.
    /// </summary>
    private async Task<(List<(object Key, double Score)> Vector, List<(object Key, double Score)> Keyword)> RankAsync(
        ReadOnlyMemory<float> query,
        VectorPropertyModel vectorProperty,
        (KeywordIndexTable Index, IReadOnlyList<string> Terms)? keywords,
        Expression<Func<TRecord, bool>>? filterExpression,
        int top,
        int skip,
        double? scoreThreshold,
        string operation,
        CancellationToken cancellationToken)
    {
        var column = _binding.VectorColumnOf(vectorProperty);
        var kind = _binding.ScoreKinds[column];
        (string Sql, IReadOnlyList<object> Parameters)? filter = filterExpression is null ? null : SqliteFilterTranslator.Translate(filterExpression, _binding.Model);
        try
        {
            var cache = await GetLoadedCacheAsync(cancellationToken).ConfigureAwait(false);
            if (keywords is not null && !_keywordIndexesVerified)
            {
                using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);
                await VerifyKeywordIndexesAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            var allowedKeys = filter is { } f ? await SelectKeysAsync(f.Sql, f.Parameters, cancellationToken).ConfigureAwait(false) : null;
            return cache.Read(table =>
            {
                var vector = SearchVectors(table, column, kind, query.Span, top, skip, scoreThreshold, allowedKeys);
                if (keywords is not { } k)
                {
                    return (vector, new List<(object Key, double Score)>());
                }

                HashSet<object>? allowed = allowedKeys is null ? null : [.. allowedKeys];
                return (vector, cache.KeywordIndexes[k.Index.Ordinal].Search(k.Terms, top, allowed is null ? null : allowed.Contains));
            });
        }
        catch (SqliteException ex)
        {
            throw _store.Wrap(ex, Name, operation);
        }
    }

    /// <summary>The best <paramref name="top"/> keys after <paramref name="skip"/> by vector score among <paramref name="allowedKeys"/> (all when null).</summary>
    private static List<(object Key, double Score)> SearchVectors(
        VectorSlotTable table,
        int column,
        ScoreKind kind,
        ReadOnlySpan<float> query,
        int top,
        int skip,
        double? scoreThreshold,
        List<object>? allowedKeys)
    {
        List<(int Slot, double Score)> hits;
        if (allowedKeys is null)
        {
            hits = VectorSearcher.Search(table, column, kind, query, top, skip, scoreThreshold, default(AllSlots), filtered: false);
        }
        else
        {
            var bitmap = SlotBitmap.Create(table.Count);
            foreach (var key in allowedKeys)
            {
                if (table.TryGetSlot(key, out var slot))
                {
                    SlotBitmap.Set(bitmap, slot);
                }
            }

            hits = VectorSearcher.Search(table, column, kind, query, top, skip, scoreThreshold, new SlotBitmap(bitmap), filtered: true);
        }

        return hits.ConvertAll(h => (table.KeyAt(h.Slot), h.Score));
    }

    /// <summary>Keyword-only ranking (FTS5 <c>bm25()</c> over the single full-text property), for the retrieval-quality benchmark.</summary>
    internal async Task<List<(object Key, double Score)>> RankByKeywordsAsync(IEnumerable<string> keywords, int top, CancellationToken cancellationToken)
    {
        var match = KeywordAnalyzer.ToFts5Query(keywords);
        return match is null ? [] : await RankByKeywordsAsync(_keywordIndexes.Single(), match, null, top, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The best <paramref name="top"/> keys by FTS5 <c>bm25()</c> (reported negated: higher is better), best first.</summary>
    private async Task<List<(object Key, double Score)>> RankByKeywordsAsync(
        KeywordIndexTable index,
        string match,
        Expression<Func<TRecord, bool>>? filterExpression,
        int top,
        CancellationToken cancellationToken)
    {
        (string Sql, IReadOnlyList<object> Parameters)? filter = filterExpression is null ? null : SqliteFilterTranslator.Translate(filterExpression, _binding.Model);
        var fts = SqliteSql.Quote(index.Name);
        var sql = new StringBuilder()
            .Append("SELECT ").Append(_table).Append('.').Append(_keyColumn).Append(", m.score FROM (SELECT rowid AS rid, bm25(").Append(fts)
            .Append(") AS score FROM ").Append(fts).Append(" WHERE ").Append(fts).Append(" MATCH @match");
        if (filter is { } f)
        {
            sql.Append(" AND rowid IN (SELECT rowid FROM ").Append(_table).Append(" WHERE ").Append(f.Sql).Append(')');
        }

        sql.Append(" ORDER BY score LIMIT @top) AS m JOIN ").Append(_table).Append(" ON ").Append(_table).Append(".rowid = m.rid ORDER BY m.score, m.rid;");
        var ranked = new List<(object Key, double Score)>(top);
        try
        {
            using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);
            await VerifyKeywordIndexesAsync(connection, cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql.ToString();
            _ = command.Parameters.AddWithValue("@match", match);
            _ = command.Parameters.AddWithValue("@top", top);
            if (filter is { } withFilter)
            {
                AddParameters(command, "@f", withFilter.Parameters);
            }

            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ranked.Add((SqliteValueMapping.FromDb(reader, 0, _binding.KeyProperty.Type)!, -reader.GetDouble(1)));
            }
        }
        catch (SqliteException ex)
        {
            throw _store.Wrap(ex, Name, nameof(HybridSearchAsync));
        }

        return ranked;
    }

    /// <summary>
    /// Creates each missing keyword index (an external-content FTS5 table over the collection's table, and the triggers that
    /// keep it in step inside every write's transaction). A collection that already holds records is indexed in the same
    /// transaction: a crash leaves either no index (built again next time) or a complete one.
    /// </summary>
    private async Task EnsureKeywordIndexesAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var index in _keywordIndexes)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name;";
            _ = command.Parameters.AddWithValue("@name", index.Name);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            command.Parameters.Clear();
            command.CommandText = $"SELECT count(*) FROM {_table};";
            var existing = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
            var fts = SqliteSql.Quote(index.Name);
            var column = SqliteSql.Quote(index.Property.StorageName);
            var trigger = (string suffix) => SqliteSql.Quote(index.Name + suffix);
            command.CommandText =
                $"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content={SqliteSql.Literal(Name)}, content_rowid='rowid', tokenize={SqliteSql.Literal(SqliteSql.KeywordTokenizer)});" +
                $"CREATE TRIGGER {trigger("_ai")} AFTER INSERT ON {_table} BEGIN INSERT INTO {fts}(rowid, {column}) VALUES (new.rowid, new.{column}); END;" +
                $"CREATE TRIGGER {trigger("_ad")} AFTER DELETE ON {_table} BEGIN INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.rowid, old.{column}); END;" +
                $"CREATE TRIGGER {trigger("_au")} AFTER UPDATE OF {column} ON {_table} BEGIN " +
                $"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.rowid, old.{column}); INSERT INTO {fts}(rowid, {column}) VALUES (new.rowid, new.{column}); END;";
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (existing > 0)
            {
                EmbeddedSqliteVectorStore.LogKeywordIndexBuilding(_store.Logger, index.Property.StorageName, existing, Name);
                command.CommandText = $"INSERT INTO {fts}({fts}) VALUES ('rebuild');";
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Checks once per collection object that the keyword indexes exist (a collection from an older version has none).</summary>
    private async Task VerifyKeywordIndexesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (_keywordIndexesVerified)
        {
            return;
        }

        foreach (var index in _keywordIndexes)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name;";
            _ = command.Parameters.AddWithValue("@name", index.Name);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                throw new VectorStoreException(
                    $"Collection '{Name}' in '{_store.DatabasePath}' has no keyword index for '{index.Property.StorageName}' (it was created by an earlier version); " +
                    "call EnsureCollectionExistsAsync once, which builds it from the stored records.")
                {
                    VectorStoreSystemName = EmbeddedSqliteVectorStore.SystemName,
                    VectorStoreName = _store.DatabasePath,
                    CollectionName = Name,
                    OperationName = nameof(HybridSearchAsync),
                };
            }
        }

        _keywordIndexesVerified = true;
    }

    private string CreateTableSql()
    {
        var sql = new StringBuilder().Append("CREATE TABLE IF NOT EXISTS ").Append(_table).Append(" (").Append(_keyColumn)
            .Append(SqliteValueMapping.ColumnType(_binding.KeyProperty.Type) == "INTEGER" ? " INTEGER" : " TEXT")
            .Append(" PRIMARY KEY NOT NULL");
        foreach (var data in _binding.DataProperties)
        {
            sql.Append(", ").Append(SqliteSql.Quote(data.StorageName)).Append(' ').Append(SqliteValueMapping.ColumnType(data.Type));
        }

        foreach (var vector in _binding.VectorProperties)
        {
            sql.Append(", ").Append(SqliteSql.Quote(vector.StorageName)).Append(" BLOB NOT NULL");
        }

        sql.Append(");");
        foreach (var data in _binding.DataProperties.Where(d => d.IsIndexed))
        {
            sql.Append(" CREATE INDEX IF NOT EXISTS ").Append(SqliteSql.Quote($"ix_{Name}_{data.StorageName}"))
                .Append(" ON ").Append(_table).Append(" (").Append(SqliteSql.Quote(data.StorageName)).Append(");");
        }

        return sql.ToString();
    }

    private void CheckSignature(string signature)
    {
        if (!string.Equals(signature, _binding.Signature, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Collection '{Name}' in '{_store.DatabasePath}' was created with schema [{signature}] but this collection object has schema [{_binding.Signature}]. "
                + "Use the same record type (or an equivalent definition), or delete the collection first.");
        }
    }

    /// <summary>Opens a connection, checking once per collection object that the collection exists with this schema.</summary>
    private async Task<SqliteConnection> OpenVerifiedAsync(CancellationToken cancellationToken)
    {
        var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_schemaVerified)
        {
            return connection;
        }

        try
        {
            var signature = await EmbeddedSqliteVectorStore.GetSignatureAsync(connection, Name, cancellationToken).ConfigureAwait(false)
                ?? throw new VectorStoreException($"Collection '{Name}' does not exist in '{_store.DatabasePath}'; call EnsureCollectionExistsAsync first.")
                {
                    VectorStoreSystemName = EmbeddedSqliteVectorStore.SystemName,
                    VectorStoreName = _store.DatabasePath,
                    CollectionName = Name,
                };
            CheckSignature(signature);
            _schemaVerified = true;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The newest entry of the database's change log (any collection, any process).</summary>
    internal Task<long> LastChangeAsync(CancellationToken cancellationToken) => _store.LastChangeAsync(cancellationToken);

    /// <summary>
    /// After a write of this store object is mirrored into the cache: the cache now reflects the log up to the write's last
    /// entry, unless it was behind when the write started (writes of others not read yet: the next search reads them, and this
    /// write's records again).
    /// </summary>
    private static void AdvanceChangeSeq(SqliteVectorCache cache, (long Before, long After) logged)
    {
        if (cache.ChangeSeq == logged.Before)
        {
            cache.ChangeSeq = logged.After;
        }
    }

    /// <summary>
    /// The collection's cache, loaded, and reflecting every write committed before this call: the first search loads it; later
    /// searches compare the change log's newest entry with the cache's and, when other store objects or processes wrote in
    /// between, read the records they changed (or reload, when the cache is too far behind or the collection was deleted).
    /// </summary>
    private async Task<SqliteVectorCache> GetLoadedCacheAsync(CancellationToken cancellationToken)
    {
        var cache = _store.GetCache(Name, _columnSpecs, _keywordOrdinals);
        if (cache.Loaded && await _store.LastChangeAsync(cancellationToken).ConfigureAwait(false) == cache.ChangeSeq)
        {
            return cache;
        }

        // Loading and catching up hold the write gate, so no write of this store commits between the read and the cache going
        // live, and the cache takes this store's writes and everyone else's in commit order.
        await _store.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cache = _store.GetCache(Name, _columnSpecs, _keywordOrdinals);
            using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);

            // One read transaction: the log's state and the records read are one snapshot of the file.
            using var transaction = connection.BeginTransaction(deferred: true);
            var last = await ScalarAsync(connection, transaction, SqliteSql.LastChange, cancellationToken).ConfigureAwait(false);
            if (cache.Loaded && last == cache.ChangeSeq)
            {
                return cache;
            }

            if (cache.Loaded && !await CatchUpAsync(cache, connection, transaction, last, cancellationToken).ConfigureAwait(false))
            {
                cache = _store.ResetCache(Name, _columnSpecs, _keywordOrdinals);
            }

            if (!cache.Loaded)
            {
                await LoadAsync(cache, connection, transaction, cancellationToken).ConfigureAwait(false);
                EmbeddedSqliteVectorStore.LogCacheLoaded(_store.Logger, cache.Table.Count, Name);
            }

            cache.ChangeSeq = last;
            cache.Loaded = true;
            return cache;
        }
        finally
        {
            _ = _store.WriteGate.Release();
        }
    }

    /// <summary>Reads every record of the collection into an unloaded cache (nobody else touches it until it is marked loaded).</summary>
    private async Task LoadAsync(SqliteVectorCache cache, SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {CacheColumns()} FROM {_table};";
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        cache.Clear();
        var vectors = new ReadOnlyMemory<float>[_binding.VectorProperties.Count];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (key, texts) = ReadCacheRow(reader, vectors);
            cache.Put(key, vectors, texts);
        }
    }

    /// <summary>
    /// Applies the log's entries for this collection after the cache's to a loaded cache: changed records are read again,
    /// records no longer there are removed. False when the cache must be reloaded instead: the collection was deleted
    /// (and perhaps created again) or the entries it needs were pruned.
    /// </summary>
    private async Task<bool> CatchUpAsync(SqliteVectorCache cache, SqliteConnection connection, SqliteTransaction transaction, long last, CancellationToken cancellationToken)
    {
        var after = cache.ChangeSeq;
        if (after > last || await ScalarAsync(connection, transaction, SqliteSql.FirstChange, cancellationToken).ConfigureAwait(false) > after + 1)
        {
            return false;
        }

        var changed = new HashSet<object>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = SqliteSql.ChangedKeys;
            _ = command.Parameters.AddWithValue("@after", after);
            _ = command.Parameters.AddWithValue("@until", last);
            _ = command.Parameters.AddWithValue("@collection", Name);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.GetBoolean(0))
                {
                    return false;
                }

                if (!reader.IsDBNull(1))
                {
                    _ = changed.Add(SqliteValueMapping.FromDb(reader, 1, _binding.KeyProperty.Type)!);
                }
            }
        }

        if (changed.Count == 0)
        {
            return true;
        }

        var rows = new List<(object Key, ReadOnlyMemory<float>[] Vectors, string?[] Texts)>(changed.Count);
        foreach (var chunk in changed.Chunk(SqliteSql.MaxInListParameters))
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT {CacheColumns()} FROM {_table} WHERE {_keyColumn} IN ({InList(command, chunk)});";
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var vectors = new ReadOnlyMemory<float>[_binding.VectorProperties.Count];
                var (key, texts) = ReadCacheRow(reader, vectors);
                rows.Add((key, vectors, texts));
            }
        }

        cache.Write(() =>
        {
            foreach (var (key, vectors, texts) in rows)
            {
                changed.Remove(key);
                cache.Put(key, vectors, texts);
            }

            // Logged but not found: deleted.
            foreach (var key in changed)
            {
                cache.Remove(key);
            }
        });
        return true;
    }

    /// <summary>The columns the cache holds: the key, the vectors, the full-text properties.</summary>
    private string CacheColumns()
    {
        var vectorColumns = _binding.VectorProperties.Select(p => SqliteSql.Quote(p.StorageName));
        var textColumns = _keywordIndexes.Select(k => SqliteSql.Quote(k.Property.StorageName));
        return string.Join(", ", [_keyColumn, .. vectorColumns, .. textColumns]);
    }

    /// <summary>Reads a row of <see cref="CacheColumns"/>: the key, the vectors (into <paramref name="vectors"/>, checked) and the texts.</summary>
    private (object Key, string?[] Texts) ReadCacheRow(SqliteDataReader reader, ReadOnlyMemory<float>[] vectors)
    {
        var key = SqliteValueMapping.FromDb(reader, 0, _binding.KeyProperty.Type)!;
        for (var v = 0; v < vectors.Length; v++)
        {
            vectors[v] = SqliteValueMapping.BlobToVector(reader, 1 + v);
            if (vectors[v].Length != _binding.Dimensions[v])
            {
                throw new InvalidDataException(
                    $"Record '{key}' of collection '{Name}' stores a vector of {vectors[v].Length} dimensions in '{_binding.VectorProperties[v].StorageName}'; expected {_binding.Dimensions[v]}.");
            }
        }

        var firstText = 1 + vectors.Length;
        var texts = new string?[_keywordIndexes.Length];
        for (var k = 0; k < texts.Length; k++)
        {
            texts[k] = reader.IsDBNull(firstText + k) ? null : reader.GetString(firstText + k);
        }

        return (key, texts);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
    }

    private async Task<List<object>> SelectKeysAsync(string where, IReadOnlyList<object> parameters, CancellationToken cancellationToken)
    {
        using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {_keyColumn} FROM {_table} WHERE {where};";
        AddParameters(command, "@f", parameters);
        var keys = new List<object>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(SqliteValueMapping.FromDb(reader, 0, _binding.KeyProperty.Type)!);
        }

        return keys;
    }

    private async Task<List<(object Key, TRecord Record)>> ReadByKeysAsync(List<object> keys, bool includeVectors, string operation, CancellationToken cancellationToken)
    {
        var found = new List<(object Key, TRecord Record)>(keys.Count);
        if (keys.Count == 0)
        {
            return found;
        }

        try
        {
            using var connection = await OpenVerifiedAsync(cancellationToken).ConfigureAwait(false);
            foreach (var chunk in keys.Chunk(SqliteSql.MaxInListParameters))
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {(includeVectors ? _allColumns : _dataColumns)} FROM {_table} WHERE {_keyColumn} IN ({InList(command, chunk)});";
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    found.Add(ReadRecord(reader, includeVectors));
                }
            }
        }
        catch (SqliteException ex)
        {
            throw _store.Wrap(ex, Name, operation);
        }

        return found;
    }

    private (object Key, TRecord Record) ReadRecord(SqliteDataReader reader, bool includeVectors)
    {
        var key = SqliteValueMapping.FromDb(reader, 0, _binding.KeyProperty.Type)!;
        var firstVector = 1 + _binding.DataProperties.Count;
        var record = _binding.Materialize(
            key,
            i => SqliteValueMapping.FromDb(reader, 1 + i, _binding.DataProperties[i].Type),
            includeVectors ? v => SqliteValueMapping.BlobToVector(reader, firstVector + v) : null);
        return (key, record);
    }

    private void AppendOrderBy(StringBuilder sql, FilteredRecordRetrievalOptions<TRecord> options)
    {
        if (options.OrderBy is null)
        {
            return;
        }

        var values = options.OrderBy(new FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition()).Values;
        for (var i = 0; i < values.Count; i++)
        {
            var property = _binding.Model.GetDataOrKeyProperty(values[i].PropertySelector);
            sql.Append(i == 0 ? " ORDER BY " : ", ").Append(SqliteSql.Quote(property.StorageName)).Append(values[i].Ascending ? " ASC" : " DESC");
        }
    }

    private static string InList(SqliteCommand command, object[] keys)
    {
        var names = new string[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"@k{i}");
            _ = command.Parameters.AddWithValue(names[i], SqliteValueMapping.ToDb(keys[i]));
        }

        return string.Join(", ", names);
    }

    private static void AddParameters(SqliteCommand command, string prefix, IReadOnlyList<object> parameters)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            _ = command.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}"), parameters[i]);
        }
    }

    /// <summary>A full-text property and the FTS5 table that indexes it.</summary>
    /// <param name="Property">The full-text property.</param>
    /// <param name="Name">The FTS5 table's name.</param>
    /// <param name="Ordinal">The property's ordinal among the data properties (its key in the cache's postings).</param>
    private sealed record KeywordIndexTable(DataPropertyModel Property, string Name, int Ordinal);
}
