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

    /// <summary>Most bound parameters used in one IN (...) list; SQLite's limit is 32766.</summary>
    public const int MaxInListParameters = 500;

    /// <summary>Quotes an identifier (table or column name).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
