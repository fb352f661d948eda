#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>Data properties ↔ a point's JSON payload (scalars as JSON values, lists as JSON arrays, null as JSON null).</summary>
internal static class QdrantPayload
{
    public const string SupportedDataTypes = "string, bool, int, long, float, double, Guid, and arrays or lists of string, int, long";

    private static readonly HashSet<Type> Scalars = [typeof(string), typeof(bool), typeof(int), typeof(long), typeof(float), typeof(double), typeof(Guid)];
    private static readonly HashSet<Type> Elements = [typeof(string), typeof(int), typeof(long)];

    public static bool IsSupportedDataType(Type type)
        => Scalars.Contains(Nullable.GetUnderlyingType(type) ?? type) || ElementType(type) is not null;

    public static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return Elements.Contains(type.GetElementType()!) ? type.GetElementType() : null;
        }

        return type.IsGenericType && type.GetGenericArguments() is [var a] && Elements.Contains(a)
            && (type.GetGenericTypeDefinition() == typeof(List<>) || type.GetGenericTypeDefinition() == typeof(IList<>)
                || type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) || type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ? a : null;
    }

    public static JsonNode ToJson(object value) => value switch
    {
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int or long or short or byte => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float f => JsonValue.Create((double)(decimal)f),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create((double)m),
        Guid g => JsonValue.Create(g.ToString("D")),
        _ => throw new NotSupportedException($"Values of type '{value.GetType().Name}' are not supported in Qdrant payloads; supported: {SupportedDataTypes}."),
    };

    public static JsonObject ToPayload(CollectionModel model, object record)
    {
        var payload = new JsonObject();
        foreach (var property in model.DataProperties)
        {
            var value = property.GetValueAsObject(record);
            if (value is null)
            {
                payload[property.StorageName] = null;
            }
            else if (ElementType(property.Type) is not null)
            {
                var array = new JsonArray();
                foreach (var item in (IEnumerable)value)
                {
                    array.Add(item is null ? null : ToJson(item));
                }

                payload[property.StorageName] = array;
            }
            else
            {
                payload[property.StorageName] = ToJson(value);
            }
        }

        return payload;
    }

    public static object? FromPayload(JsonObject? payload, PropertyModel property)
    {
        if (payload is null || !payload.TryGetPropertyValue(property.StorageName, out var node) || node is null)
        {
            return DefaultOf(property.Type);
        }

        if (ElementType(property.Type) is { } element && node is JsonArray array)
        {
            var asArray = property.Type.IsArray;
            return element == typeof(string) ? Collect(array, n => n!.GetValue<string>(), asArray)
                : element == typeof(int) ? Collect(array, n => n!.GetValue<int>(), asArray)
                : Collect(array, n => n!.GetValue<long>(), asArray);
        }

        var type = Nullable.GetUnderlyingType(property.Type) ?? property.Type;
        return type == typeof(string) ? node.GetValue<string>()
            : type == typeof(bool) ? node.GetValue<bool>()
            : type == typeof(int) ? node.GetValue<int>()
            : type == typeof(long) ? node.GetValue<long>()
            : type == typeof(float) ? (float)node.GetValue<double>()
            : type == typeof(double) ? node.GetValue<double>()
            : Guid.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    private static object Collect<T>(JsonArray array, Func<JsonNode?, T> read, bool asArray)
    {
        var list = array.Select(read).ToList();
        return asArray ? list.ToArray() : list;
    }

    private static object? DefaultOf(Type type) => type switch
    {
        _ when type == typeof(bool) => false,
        _ when type == typeof(int) => 0,
        _ when type == typeof(long) => 0L,
        _ when type == typeof(float) => 0f,
        _ when type == typeof(double) => 0d,
        _ when type == typeof(Guid) => Guid.Empty,
        _ => null,
    };
}
