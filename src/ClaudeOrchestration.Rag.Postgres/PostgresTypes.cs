#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Postgres;

/// <summary>CLR ↔ PostgreSQL column types, identifier quoting and pgvector operators.</summary>
internal static class PostgresTypes
{
    public const string SupportedDataTypes =
        "string, bool, short, int, long, float, double, decimal, Guid, DateTime, DateTimeOffset, and arrays or lists of string, int, long, float, double";

    private static readonly Dictionary<Type, string> Scalars = new()
    {
        [typeof(string)] = "text",
        [typeof(bool)] = "boolean",
        [typeof(short)] = "smallint",
        [typeof(int)] = "integer",
        [typeof(long)] = "bigint",
        [typeof(float)] = "real",
        [typeof(double)] = "double precision",
        [typeof(decimal)] = "numeric",
        [typeof(Guid)] = "uuid",
        [typeof(DateTime)] = "timestamp",
        [typeof(DateTimeOffset)] = "timestamptz",
    };

    private static readonly HashSet<Type> ListElements = [typeof(string), typeof(int), typeof(long), typeof(float), typeof(double)];

    public static bool IsSupportedDataType(Type type) => ColumnType(type) is not null;

    /// <summary>The column type of a data or key property, or <see langword="null"/> when unsupported.</summary>
    public static string? ColumnType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (Scalars.TryGetValue(underlying, out var scalar))
        {
            return scalar;
        }

        return ListElementType(type) is { } element ? Scalars[element] + "[]" : null;
    }

    public static Type? ListElementType(Type type)
    {
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            return ListElements.Contains(element) ? element : null;
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var argument] && ListElements.Contains(argument))
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>))
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>A quoted identifier (column, table, schema, index); names come from the record model, never from values.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The pgvector distance operator for a distance function.</summary>
    public static string Operator(string distanceFunction) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance => "<=>",
        DistanceFunction.DotProductSimilarity or DistanceFunction.NegativeDotProductSimilarity => "<#>",
        _ => "<->",
    };

    /// <summary>The pgvector operator class of an index for a distance function.</summary>
    public static string OperatorClass(string distanceFunction) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance => "vector_cosine_ops",
        DistanceFunction.DotProductSimilarity or DistanceFunction.NegativeDotProductSimilarity => "vector_ip_ops",
        _ => "vector_l2_ops",
    };

    /// <summary>pgvector's distance (<c>&lt;=&gt;</c>: 1 − cos; <c>&lt;#&gt;</c>: −dot; <c>&lt;-&gt;</c>: Euclidean) as the MEVD score.</summary>
    public static double ToScore(string distanceFunction, double distance) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity => 1 - distance,
        DistanceFunction.DotProductSimilarity => -distance,
        DistanceFunction.EuclideanSquaredDistance => distance * distance,
        _ => distance, // CosineDistance, NegativeDotProductSimilarity, EuclideanDistance
    };

    /// <summary>The largest pgvector distance whose score passes <paramref name="threshold"/> (scores are monotonic in the distance).</summary>
    public static double ToMaxDistance(string distanceFunction, double threshold) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity => 1 - threshold,
        DistanceFunction.DotProductSimilarity => -threshold,
        DistanceFunction.EuclideanSquaredDistance => threshold < 0 ? -1 : Math.Sqrt(threshold),
        _ => threshold,
    };

    /// <summary>A stored value converted to a property's CLR type.</summary>
    public static object? FromDb(object value, PropertyModel property)
    {
        if (value is DBNull)
        {
            return null;
        }

        var type = Nullable.GetUnderlyingType(property.Type) ?? property.Type;
        if (type == typeof(DateTimeOffset) && value is DateTime utc)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        }

        if (ListElementType(property.Type) is { } element && !type.IsArray)
        {
            // Npgsql reads arrays as T[]; list properties get a List<T>.
            return value switch
            {
                string[] a when element == typeof(string) => a.ToList(),
                int[] a => a.ToList(),
                long[] a => a.ToList(),
                float[] a => a.ToList(),
                double[] a => a.ToList(),
                _ => value,
            };
        }

        return value;
    }

    /// <summary>A property value as a parameter value.</summary>
    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset dto => dto.UtcDateTime,
        _ => value,
    };
}
