using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>
/// How CLR values are stored in SQLite columns. Integers and bools are INTEGER, floating point REAL, strings and
/// <see cref="Guid"/>s TEXT; <see cref="DateTime"/> is TEXT in round-trip ("O") format, <see cref="DateTimeOffset"/> TEXT
/// in UTC (so text order is time order; the offset reads back as +00:00, the instant is unchanged); lists and arrays of
/// strings or numbers are a JSON array in TEXT (so <c>Contains</c> filters can use <c>json_each</c>); vectors are float32
/// little-endian BLOBs.
/// </summary>
internal static class SqliteValueMapping
{
    public const string SupportedDataTypes =
        "string, bool, int, long, short, byte, float, double, Guid, DateTime, DateTimeOffset (and their nullable forms), "
        + "and arrays or List<T> of string, int, long, double";

    private const string DateTimeOffsetFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'";

    public static bool IsSupportedDataType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return IsScalar(t) || ListElementType(t) is not null;
    }

    /// <summary>The SQLite column type for a data or key property.</summary>
    public static string ColumnType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(bool) || t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) ? "INTEGER"
            : t == typeof(float) || t == typeof(double) ? "REAL"
            : "TEXT";
    }

    /// <summary>Whether values of <paramref name="type"/> are stored as a JSON array.</summary>
    public static bool IsList(Type type) => ListElementType(Nullable.GetUnderlyingType(type) ?? type) is not null;

    /// <summary>Converts a CLR value to what is bound to a <see cref="SqliteParameter"/>.</summary>
    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        string s => s,
        bool b => b ? 1L : 0L,
        int i => (long)i,
        long l => l,
        short s => (long)s,
        byte b => (long)b,
        float f => (double)f,
        double d => d,
        Guid g => g.ToString("D"),
        DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.UtcDateTime.ToString(DateTimeOffsetFormat, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => ToJson(list),
        _ => throw new NotSupportedException($"Values of type '{value.GetType().Name}' cannot be stored in SQLite; supported: {SupportedDataTypes}."),
    };

    /// <summary>Reads column <paramref name="ordinal"/> as a value of <paramref name="type"/>.</summary>
    public static object? FromDb(SqliteDataReader reader, int ordinal, Type type)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            return reader.GetString(ordinal);
        }

        if (t == typeof(bool))
        {
            return reader.GetInt64(ordinal) != 0;
        }

        if (t == typeof(int))
        {
            return checked((int)reader.GetInt64(ordinal));
        }

        if (t == typeof(long))
        {
            return reader.GetInt64(ordinal);
        }

        if (t == typeof(short))
        {
            return checked((short)reader.GetInt64(ordinal));
        }

        if (t == typeof(byte))
        {
            return checked((byte)reader.GetInt64(ordinal));
        }

        if (t == typeof(float))
        {
            return (float)reader.GetDouble(ordinal);
        }

        if (t == typeof(double))
        {
            return reader.GetDouble(ordinal);
        }

        if (t == typeof(Guid))
        {
            return Guid.Parse(reader.GetString(ordinal));
        }

        if (t == typeof(DateTime))
        {
            return DateTime.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        }

        if (t == typeof(DateTimeOffset))
        {
            return DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        }

        if (ListElementType(t) is { } elementType)
        {
            return FromJson(reader.GetString(ordinal), t, elementType);
        }

        throw new NotSupportedException($"Values of type '{type.Name}' cannot be read from SQLite; supported: {SupportedDataTypes}.");
    }

    /// <summary>Encodes a vector as a float32 little-endian BLOB.</summary>
    public static byte[] VectorToBlob(ReadOnlySpan<float> vector)
    {
        var bytes = MemoryMarshal.AsBytes(vector).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(bytes);
        }

        return bytes;
    }

    /// <summary>Decodes a float32 little-endian BLOB.</summary>
    public static float[] BlobToVector(SqliteDataReader reader, int ordinal)
    {
        var length = reader.GetBytes(ordinal, 0, null, 0, 0);
        var bytes = new byte[length];
        _ = reader.GetBytes(ordinal, 0, bytes, 0, bytes.Length);
        if (length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"A stored vector has {length} bytes, which is not a whole number of float32 values.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(bytes);
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static bool IsScalar(Type t)
        => t == typeof(string) || t == typeof(bool) || t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte)
            || t == typeof(float) || t == typeof(double) || t == typeof(Guid) || t == typeof(DateTime) || t == typeof(DateTimeOffset);

    private static Type? ListElementType(Type t)
    {
        var element = t.IsArray ? t.GetElementType()
            : t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) ? t.GetGenericArguments()[0]
            : null;
        return element == typeof(string) || element == typeof(int) || element == typeof(long) || element == typeof(double) ? element : null;
    }

    /// <summary>A list as a JSON array (strings, integers, doubles, nulls), as list columns and the change log store it.</summary>
    internal static string ToJson(System.Collections.IEnumerable list)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in list)
            {
                switch (item)
                {
                    case null:
                        writer.WriteNullValue();
                        break;
                    case string s:
                        writer.WriteStringValue(s);
                        break;
                    case int i:
                        writer.WriteNumberValue(i);
                        break;
                    case long l:
                        writer.WriteNumberValue(l);
                        break;
                    case double d:
                        writer.WriteNumberValue(d);
                        break;
                    default:
                        throw new NotSupportedException($"List elements of type '{item.GetType().Name}' cannot be stored in SQLite.");
                }
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static object FromJson(string json, Type listType, Type elementType)
    {
        var items = new List<object?>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        _ = reader.Read(); // StartArray
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(reader.TokenType == JsonTokenType.Null ? null
                : elementType == typeof(string) ? reader.GetString()
                : elementType == typeof(int) ? (object)reader.GetInt32()
                : elementType == typeof(long) ? (object)reader.GetInt64()
                : (object)reader.GetDouble());
        }

        if (elementType == typeof(string))
        {
            return listType.IsArray ? items.Cast<string?>().ToArray() : items.Cast<string?>().ToList();
        }

        if (elementType == typeof(int))
        {
            return listType.IsArray ? items.Cast<int>().ToArray() : items.Cast<int>().ToList();
        }

        if (elementType == typeof(long))
        {
            return listType.IsArray ? items.Cast<long>().ToArray() : items.Cast<long>().ToList();
        }

        return listType.IsArray ? items.Cast<double>().ToArray() : items.Cast<double>().ToList();
    }

    private static void ReverseEach(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i += sizeof(float))
        {
            bytes.AsSpan(i, sizeof(float)).Reverse();
        }
    }
}
