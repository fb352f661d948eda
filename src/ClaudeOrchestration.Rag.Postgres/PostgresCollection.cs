#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using ClaudeOrchestration.Rag.Connectors;
using ClaudeOrchestration.Rag.VectorStores;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Npgsql;
using Pgvector;

namespace ClaudeOrchestration.Rag.Postgres;

/// <summary>
/// A collection stored in one PostgreSQL table: the key is the primary key, each data property a typed column, each vector
/// property a pgvector <c>vector(n)</c> column with an HNSW (default), IVFFlat or no (Flat: exact scan) index.
/// </summary>
/// <typeparam name="TKey">The key type: <see cref="string"/>, <see cref="Guid"/>, <see cref="int"/> or <see cref="long"/>
/// (<see cref="object"/> for dynamic collections).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
/// <remarks>
/// Thread-safe. Each <c>UpsertAsync</c>/<c>DeleteAsync</c> call is one transaction. Approximate indexes (HNSW, IVFFlat) may
/// return fewer than <c>top</c> results under a selective filter; pgvector 0.8's <c>hnsw.iterative_scan</c> helps there.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "MEVD's naming: a VectorStoreCollection implementation is an XCollection.")]
public sealed class PostgresCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    private const string DistanceColumn = "__distance";
    private const string ScoreColumn = "__score";
    private const int MaxParameters = 65_535;

    private readonly PostgresVectorStore _store;
    private readonly CollectionModel _model;
    private readonly RecordMapper<TKey, TRecord> _mapper;
    private readonly string _table;
    private readonly VectorStoreCollectionMetadata _metadata;

    internal PostgresCollection(PostgresVectorStore store, string name, CollectionModel model)
    {
        _store = store;
        Name = name;
        _model = model;
        _mapper = new RecordMapper<TKey, TRecord>(model, name);
        _table = store.Table(name);
        _metadata = new VectorStoreCollectionMetadata
        {
            VectorStoreSystemName = PostgresVectorStore.SystemName,
            VectorStoreName = store.GetService(typeof(VectorStoreMetadata)) is VectorStoreMetadata m ? m.VectorStoreName : null,
            CollectionName = name,
        };
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => _store.CollectionExistsAsync(Name, cancellationToken);

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
        => _store.RunAsync("create collection", Name, async (connection, ct) =>
        {
            var sql = new StringBuilder();
            sql.Append("CREATE TABLE IF NOT EXISTS ").Append(_table).Append(" (")
                .Append(Q(_model.KeyProperty)).Append(' ').Append(PostgresTypes.ColumnType(_model.KeyProperty.Type)).Append(" PRIMARY KEY");
            foreach (var data in _model.DataProperties)
            {
                sql.Append(", ").Append(Q(data)).Append(' ').Append(PostgresTypes.ColumnType(data.Type));
            }

            foreach (var vector in _model.VectorProperties)
            {
                sql.Append(", ").Append(Q(vector)).Append(" vector(").Append(vector.Dimensions.ToString(CultureInfo.InvariantCulture)).Append(')');
            }

            sql.Append(");\n");
            var options = _store.Options;
            foreach (var vector in _model.VectorProperties)
            {
                var kind = vector.IndexKind ?? IndexKind.Hnsw;
                if (kind == IndexKind.Flat)
                {
                    continue;
                }

                var method = kind == IndexKind.IvfFlat ? "ivfflat" : "hnsw";
                var with = kind == IndexKind.IvfFlat
                    ? string.Create(CultureInfo.InvariantCulture, $"lists = {options.IvfFlatLists}")
                    : string.Create(CultureInfo.InvariantCulture, $"m = {options.HnswM}, ef_construction = {options.HnswEfConstruction}");
                sql.Append("CREATE INDEX IF NOT EXISTS ").Append(IndexName(vector.StorageName)).Append(" ON ").Append(_table)
                    .Append(" USING ").Append(method).Append(" (").Append(Q(vector)).Append(' ').Append(PostgresTypes.OperatorClass(Distance(vector)))
                    .Append(") WITH (").Append(with).Append(");\n");
            }

            foreach (var data in _model.DataProperties)
            {
                if (data.IsFullTextIndexed && data.Type == typeof(string))
                {
                    sql.Append("CREATE INDEX IF NOT EXISTS ").Append(IndexName(data.StorageName + "_fts")).Append(" ON ").Append(_table)
                        .Append(" USING gin (to_tsvector(").Append(TextConfig()).Append(", ").Append(Q(data)).Append("));\n");
                }
                else if (data.IsIndexed)
                {
                    var gin = PostgresTypes.ListElementType(data.Type) is not null;
                    sql.Append("CREATE INDEX IF NOT EXISTS ").Append(IndexName(data.StorageName)).Append(" ON ").Append(_table)
                        .Append(gin ? " USING gin (" : " (").Append(Q(data)).Append(");\n");
                }
            }

            using var command = new NpgsqlCommand(sql.ToString(), connection);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) => _store.EnsureCollectionDeletedAsync(Name, cancellationToken);

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        await foreach (var record in GetAsync([key], options, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(
        IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var includeVectors = options?.IncludeVectors ?? false;
        _mapper.ThrowIfIncludeVectorsUnsupported(includeVectors);
        var boxed = keys.Select(k => _mapper.BoxKey(k)).Distinct().ToList();
        if (boxed.Count == 0)
        {
            yield break;
        }

        var records = await _store.RunAsync("get", Name, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand(
                $"SELECT {SelectList(includeVectors)} FROM {_table} WHERE {Q(_model.KeyProperty)} = ANY(@keys)", connection);
            command.Parameters.Add(new NpgsqlParameter("keys", KeyArray(boxed)));
            return await ReadRecordsAsync(command, includeVectors, withScore: false, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (record, _) in records)
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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new FilteredRecordRetrievalOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _mapper.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);
        var parameters = new List<NpgsqlParameter>();
        var where = PostgresFilterRenderer.Render(FilterParser.Parse(filter, _model), parameters);
        var sql = new StringBuilder().Append("SELECT ").Append(SelectList(options.IncludeVectors)).Append(" FROM ").Append(_table).Append(" WHERE ").Append(where);
        var orderBy = options.OrderBy?.Invoke(new FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition()).Values;
        if (orderBy is { Count: > 0 })
        {
            for (var i = 0; i < orderBy.Count; i++)
            {
                var property = _model.GetDataOrKeyProperty(orderBy[i].PropertySelector);
                sql.Append(i == 0 ? " ORDER BY " : ", ").Append(Q(property)).Append(orderBy[i].Ascending ? " ASC" : " DESC");
            }
        }

        sql.Append(" LIMIT @top OFFSET @skip");
        var records = await _store.RunAsync("get by filter", Name, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand(sql.ToString(), connection);
            command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            command.Parameters.AddWithValue("top", top);
            command.Parameters.AddWithValue("skip", options.Skip);
            return await ReadRecordsAsync(command, options.IncludeVectors, withScore: false, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (record, _) in records)
        {
            yield return record;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <inheritdoc />
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var boxed = keys.Select(k => _mapper.BoxKey(k)).Distinct().ToList();
        if (boxed.Count == 0)
        {
            return;
        }

        _ = await _store.RunAsync("delete", Name, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand($"DELETE FROM {_table} WHERE {Q(_model.KeyProperty)} = ANY(@keys)", connection);
            command.Parameters.Add(new NpgsqlParameter("keys", KeyArray(boxed)));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records.ToList();
        if (list.Count == 0)
        {
            return;
        }

        // Everything is read and checked before the first statement: a bad record fails the whole batch.
        var keys = list.Select(_mapper.KeyOf).ToList();
        var vectors = await _mapper.GetVectorsAsync(list, keys, cancellationToken).ConfigureAwait(false);
        var rows = new List<object[]>(list.Count);
        for (var r = 0; r < list.Count; r++)
        {
            var row = new object[1 + _model.DataProperties.Count + _model.VectorProperties.Count];
            row[0] = keys[r];
            var c = 1;
            foreach (var data in _model.DataProperties)
            {
                row[c++] = PostgresTypes.ToDb(data.GetValueAsObject(list[r]));
            }

            foreach (var vector in vectors[r])
            {
                row[c++] = new Vector(vector);
            }

            rows.Add(row);
        }

        var columns = new List<string> { Q(_model.KeyProperty) };
        columns.AddRange(_model.DataProperties.Select(Q));
        columns.AddRange(_model.VectorProperties.Select(Q));
        var updates = columns.Skip(1).Select(c => $"{c} = EXCLUDED.{c}").ToList();
        var conflict = updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates);
        var rowsPerStatement = Math.Max(1, Math.Min(1000, MaxParameters / columns.Count));

        _ = await _store.RunAsync("upsert", Name, async (connection, ct) =>
        {
            // NpgsqlBatch, not COPY: PGlite and some poolers break on COPY FROM STDIN. One transaction for the whole call.
            using var transaction = rows.Count > rowsPerStatement ? await connection.BeginTransactionAsync(ct).ConfigureAwait(false) : null;
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, rows.Count - start);
                var sql = new StringBuilder().Append("INSERT INTO ").Append(_table).Append(" (").Append(string.Join(", ", columns)).Append(") VALUES ");
                using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
                for (var r = 0; r < count; r++)
                {
                    sql.Append(r == 0 ? "(" : ", (");
                    var row = rows[start + r];
                    for (var c = 0; c < row.Length; c++)
                    {
                        var name = string.Create(CultureInfo.InvariantCulture, $"p{r}_{c}");
                        sql.Append(c == 0 ? "@" : ", @").Append(name);
                        command.Parameters.Add(new NpgsqlParameter(name, row[c]));
                    }

                    sql.Append(')');
                }

                sql.Append(" ON CONFLICT (").Append(columns[0]).Append(") ").Append(conflict);
                command.CommandText = sql.ToString();
                _ = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }

            return rows.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _mapper.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);
        var property = _model.GetVectorPropertyOrSingle(options);
        var vector = await _mapper.GetSearchVectorAsync(searchValue, property, cancellationToken).ConfigureAwait(false);
        var distanceFunction = Distance(property);
        var parameters = new List<NpgsqlParameter>();
        var where = options.Filter is null ? "TRUE" : PostgresFilterRenderer.Render(FilterParser.Parse(options.Filter, _model), parameters);
        var distance = $"({Q(property)} {PostgresTypes.Operator(distanceFunction)} @query)";
        var sql = new StringBuilder()
            .Append("SELECT ").Append(SelectList(options.IncludeVectors)).Append(", ").Append(distance).Append(" AS ").Append(PostgresTypes.Quote(DistanceColumn))
            .Append(" FROM ").Append(_table).Append(" WHERE ").Append(where);
        if (options.ScoreThreshold is double threshold)
        {
            sql.Append(" AND ").Append(distance).Append(" <= @maxDistance");
        }

        sql.Append(" ORDER BY ").Append(distance).Append(" LIMIT @top OFFSET @skip");
        var efSearch = Math.Max(_store.Options.HnswEfSearch, top + options.Skip);
        var results = await _store.RunAsync("search", Name, async (connection, ct) =>
        {
            if ((property.IndexKind ?? IndexKind.Hnsw) == IndexKind.Hnsw)
            {
                // A session setting on a pooled connection; every search sets its own value first.
                using var set = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture, $"SET hnsw.ef_search = {Math.Min(efSearch, 1000)}"), connection);
                _ = await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            using var command = new NpgsqlCommand(sql.ToString(), connection);
            command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            command.Parameters.AddWithValue("query", new Vector(vector));
            command.Parameters.AddWithValue("top", top);
            command.Parameters.AddWithValue("skip", options.Skip);
            if (options.ScoreThreshold is double t)
            {
                command.Parameters.AddWithValue("maxDistance", PostgresTypes.ToMaxDistance(distanceFunction, t));
            }

            return await ReadRecordsAsync(command, options.IncludeVectors, withScore: true, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (record, raw) in results)
        {
            yield return new VectorSearchResult<TRecord>(record, PostgresTypes.ToScore(distanceFunction, raw));
        }
    }

    /// <summary>
    /// Vector search fused with full-text search by reciprocal rank fusion (k = 60): records are ranked by distance and by
    /// <c>ts_rank_cd</c> against the keywords (any of them), and the score is the sum of <c>1 / (60 + rank)</c> over both lists.
    /// </summary>
    /// <inheritdoc />
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(
        TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new HybridSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        _mapper.ThrowIfIncludeVectorsUnsupported(options.IncludeVectors);
        var property = _model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        var textProperty = _model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty);
        var vector = await _mapper.GetSearchVectorAsync(searchValue, property, cancellationToken).ConfigureAwait(false);
        var distanceFunction = Distance(property);
        var parameters = new List<NpgsqlParameter>();
        var where = options.Filter is null ? "TRUE" : PostgresFilterRenderer.Render(FilterParser.Parse(options.Filter, _model), parameters);
        var key = Q(_model.KeyProperty);
        var distance = $"({Q(property)} {PostgresTypes.Operator(distanceFunction)} @query)";
        var document = $"to_tsvector({TextConfig()}, coalesce({Q(textProperty)}, ''))";
        var query = $"websearch_to_tsquery({TextConfig()}, @keywords)";
        var candidates = (top + options.Skip) * 2;
        var sql = $"""
            WITH semantic AS (
                SELECT {key} AS k, ROW_NUMBER() OVER (ORDER BY {distance}) AS r FROM {_table} WHERE {where} ORDER BY {distance} LIMIT @candidates),
            keyword AS (
                SELECT {key} AS k, ROW_NUMBER() OVER (ORDER BY ts_rank_cd({document}, {query}) DESC) AS r FROM {_table}
                WHERE {where} AND {document} @@ {query} ORDER BY ts_rank_cd({document}, {query}) DESC LIMIT @candidates),
            fused AS (
                SELECT COALESCE(s.k, w.k) AS k, COALESCE(1.0 / (60 + s.r), 0) + COALESCE(1.0 / (60 + w.r), 0) AS score
                FROM semantic s FULL OUTER JOIN keyword w ON s.k = w.k)
            SELECT {SelectList(options.IncludeVectors, "t.")}, f.score::float8 AS {PostgresTypes.Quote(ScoreColumn)}
            FROM fused f JOIN {_table} t ON t.{key} = f.k
            {(options.ScoreThreshold is null ? string.Empty : "WHERE f.score >= @threshold")}
            ORDER BY f.score DESC LIMIT @top OFFSET @skip
            """;
        var results = await _store.RunAsync("hybrid search", Name, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            command.Parameters.AddWithValue("query", new Vector(vector));
            command.Parameters.AddWithValue("keywords", string.Join(" or ", keywords.Where(k => !string.IsNullOrWhiteSpace(k))));
            command.Parameters.AddWithValue("candidates", candidates);
            command.Parameters.AddWithValue("top", top);
            command.Parameters.AddWithValue("skip", options.Skip);
            if (options.ScoreThreshold is double t)
            {
                command.Parameters.AddWithValue("threshold", t);
            }

            return await ReadRecordsAsync(command, options.IncludeVectors, withScore: true, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (record, score) in results)
        {
            yield return new VectorSearchResult<TRecord>(record, score);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType == typeof(NpgsqlDataSource) ? _store.GetService(typeof(NpgsqlDataSource))
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>The collection's model, for tests of the filter translation.</summary>
    internal CollectionModel Model => _model;

    private static string Q(PropertyModel property) => PostgresTypes.Quote(property.StorageName);

    private static string Distance(VectorPropertyModel property) => property.DistanceFunction ?? DistanceFunction.CosineSimilarity;

    // The text search configuration is a regconfig literal from options (not a caller's value), quoted as a string literal.
    private string TextConfig() => "'" + _store.Options.FullTextConfiguration.Replace("'", "''", StringComparison.Ordinal) + "'::regconfig";

    private string IndexName(string suffix)
    {
        var name = Name + "_" + suffix + "_idx";
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 63)
        {
            name = "idx_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..40];
        }

        return PostgresTypes.Quote(name);
    }

    private string SelectList(bool includeVectors, string prefix = "")
    {
        var columns = new List<string> { prefix + Q(_model.KeyProperty) };
        columns.AddRange(_model.DataProperties.Select(p => prefix + Q(p)));
        if (includeVectors)
        {
            columns.AddRange(_model.VectorProperties.Select(p => prefix + Q(p)));
        }

        return string.Join(", ", columns);
    }

    private object KeyArray(List<object> keys)
    {
        var type = _model.KeyProperty.Type;
        return type == typeof(string) ? keys.Cast<string>().ToArray()
            : type == typeof(Guid) ? keys.Cast<Guid>().ToArray()
            : type == typeof(int) ? keys.Cast<int>().ToArray()
            : keys.Cast<long>().ToArray();
    }

    private async Task<List<(TRecord Record, double Score)>> ReadRecordsAsync(NpgsqlCommand command, bool includeVectors, bool withScore, CancellationToken cancellationToken)
    {
        var results = new List<(TRecord, double)>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var ordinal = 0;
            var key = reader.GetValue(ordinal++);
            var values = new Dictionary<DataPropertyModel, object?>();
            foreach (var data in _model.DataProperties)
            {
                values[data] = PostgresTypes.FromDb(reader.GetValue(ordinal++), data);
            }

            Dictionary<VectorPropertyModel, float[]?>? vectors = null;
            if (includeVectors)
            {
                vectors = [];
                foreach (var vector in _model.VectorProperties)
                {
                    vectors[vector] = reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<Vector>(ordinal).ToArray();
                    ordinal++;
                }
            }

            var score = withScore ? reader.GetDouble(ordinal) : 0;
            var record = _mapper.Materialize(key, p => values[p], vectors is null ? null : p => vectors[p]);
            results.Add((record, score));
        }

        return results;
    }
}
