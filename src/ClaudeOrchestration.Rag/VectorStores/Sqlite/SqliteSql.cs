namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>SQL text shared by the SQLite store and its collections.</summary>
internal static class SqliteSql
{
    /// <summary>The table listing the collections this store created, with their schema signatures.</summary>
    public const string RegistryTable = "__co_vector_collections";

    public const string CreateRegistry =
        $"CREATE TABLE IF NOT EXISTS \"{RegistryTable}\" (name TEXT PRIMARY KEY NOT NULL, signature TEXT NOT NULL) WITHOUT ROWID;";

    public const string SelectSignature = $"SELECT signature FROM \"{RegistryTable}\" WHERE name = @name;";

    public const string InsertRegistry = $"INSERT INTO \"{RegistryTable}\" (name, signature) VALUES (@name, @signature);";

    public const string DeleteRegistry = $"DELETE FROM \"{RegistryTable}\" WHERE name = @name;";

    public const string ListCollections = $"SELECT name FROM \"{RegistryTable}\" ORDER BY name;";

    public const string RegistryExists = $"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{RegistryTable}';";

    /// <summary>
    /// The change log: one row per write transaction, naming the collection and the keys it wrote or deleted (a JSON array;
    /// NULL: the whole collection was deleted), so that a store object whose cache is loaded sees the writes of other store
    /// objects and other processes on the same file.
    /// </summary>
    public const string ChangeLogTable = "__co_vector_changes";

    /// <summary>How many write transactions the change log keeps; a cache further behind than that reloads its collection.</summary>
    public const long ChangeLogCapacity = 100_000;

    public const string CreateChangeLog =
        $"CREATE TABLE IF NOT EXISTS \"{ChangeLogTable}\" (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, keys TEXT);";

    public const string LastChange = $"SELECT coalesce(max(seq), 0) FROM \"{ChangeLogTable}\";";

    public const string FirstChange = $"SELECT coalesce(min(seq), 0) FROM \"{ChangeLogTable}\";";

    public const string InsertChange = $"INSERT INTO \"{ChangeLogTable}\" (collection, keys) VALUES (@collection, @keys) RETURNING seq;";

    /// <summary>The keys changed in a collection between two entries, one per row; a row whose first column is 1 is a deletion of the collection.</summary>
    public const string ChangedKeys =
        $"SELECT c.keys IS NULL, k.value FROM \"{ChangeLogTable}\" AS c LEFT JOIN json_each(c.keys) AS k " +
        "WHERE c.seq > @after AND c.seq <= @until AND c.collection = @collection;";

    public const string PruneChanges = $"DELETE FROM \"{ChangeLogTable}\" WHERE seq <= @before;";

    /// <summary>The FTS5 tokenizer of keyword indexes: Unicode word splitting, case and diacritics folded, Porter stemming.</summary>
    public const string KeywordTokenizer = "porter unicode61 remove_diacritics 2";

    /// <summary>The virtual (FTS5) tables whose names start with <c>@prefix</c>.</summary>
    public const string SelectKeywordIndexes =
        "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(@prefix)) = @prefix AND sql LIKE 'CREATE VIRTUAL TABLE%';";

    /// <summary>The name prefix of a collection's keyword index tables.</summary>
    public static string KeywordIndexPrefix(string collection) => collection + "__fts_";

    /// <summary>Quotes a string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Most bound parameters used in one IN (...) list; SQLite's limit is 32766.</summary>
    public const int MaxInListParameters = 500;

    /// <summary>Quotes an identifier (table or column name).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
