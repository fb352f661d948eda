#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>
/// How data properties live in a Chroma record's metadata, which holds only strings, numbers and booleans (no nulls, no
/// lists). A scalar is stored under its storage name. A null value is left out and marked with <c>__null:{name}: true</c>
/// (Chroma 1.0 has no "key is missing" operator). A list is stored as a JSON string, plus one <c>__has:{name}:{item}: true</c>
/// marker per item so that <c>list.Contains(x)</c> becomes a where clause. Keys starting with <c>__</c> are reserved.
/// </summary>
internal static class ChromaMetadata
{
    public const string SupportedDataTypes = "string, bool, int, long, short, byte, float, double, decimal, Guid, and arrays or lists of string, int, long";

    private static readonly HashSet<Type> ScalarTypes =
        [typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(byte), typeof(float), typeof(double), typeof(decimal), typeof(Guid)];

    private static readonly HashSet<Type> ListElementTypes = [typeof(string), typeof(int), typeof(long)];

    public static bool IsSupportedDataType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return ScalarTypes.Contains(underlying) || ListElementType(type) is not null;
    }

    /// <summary>The element type when <paramref name="type"/> is a supported list type (<c>T[]</c>, <c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>, ...).</summary>
    public static Type? ListElementType(Type type)
    {
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            return ListElementTypes.Contains(element) ? element : null;
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var argument] && ListElementTypes.Contains(argument))
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

    public static string NullMarker(PropertyModel property) => "__null:" + property.StorageName;

    public static string HasMarker(PropertyModel property, object item) => "__has:" + property.StorageName + ":" + FormatItem(item);

    /// <summary>The metadata object of one record.</summary>
    public static JsonObject ToMetadata(CollectionModel model, object record)
    {
        var metadata = new JsonObject();
        foreach (var property in model.DataProperties)
        {
            var value = property.GetValueAsObject(record);
            if (value is null)
            {
                metadata[NullMarker(property)] = true;
                continue;
            }

            if (ListElementType(property.Type) is not null)
            {
                var items = new JsonArray();
                foreach (var item in (IEnumerable)value)
                {
                    if (item is null)
                    {
                        continue;
                    }

                    items.Add(ToJson(item));
                    metadata[HasMarker(property, item)] = true;
                }

                metadata[property.StorageName] = items.ToJsonString();
                continue;
            }

            metadata[property.StorageName] = ToJson(value);
        }

        return metadata;
    }

    /// <summary>Reads a data property back from a record's metadata.</summary>
    public static object? FromMetadata(JsonObject? metadata, PropertyModel property)
    {
        if (metadata is null || !metadata.TryGetPropertyValue(property.StorageName, out var node) || node is null)
        {
            return null;
        }

        var element = node.GetValue<JsonElement>();
        if (ListElementType(property.Type) is { } elementType)
        {
            using var document = JsonDocument.Parse(element.GetString() ?? "[]");
            var items = document.RootElement.EnumerateArray();
            var asArray = property.Type.IsArray;
            return elementType == typeof(string) ? Collect(items, e => e.GetString()!, asArray)
                : elementType == typeof(int) ? Collect(items, e => e.GetInt32(), asArray)
                : Collect(items, e => e.GetInt64(), asArray);
        }

        return FromJson(element, Nullable.GetUnderlyingType(property.Type) ?? property.Type);
    }

    /// <summary>A filter or metadata value as JSON (numbers as long or double, Guids as strings).</summary>
    public static JsonNode ToJson(object value) => value switch
    {
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int or long or short or byte or sbyte or ushort or uint => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float f => JsonValue.Create((double)(decimal)f),
        double or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        Guid g => JsonValue.Create(g.ToString("D")),
        _ => throw new NotSupportedException($"Values of type '{value.GetType().Name}' cannot be stored in or compared with Chroma metadata; supported: {SupportedDataTypes}."),
    };

    public static bool IsNumeric(object value) => value is int or long or short or byte or sbyte or ushort or uint or float or double or decimal;

    private static object FromJson(JsonElement element, Type type)
    {
        if (type == typeof(string))
        {
            return element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        }

        if (type == typeof(bool))
        {
            return element.GetBoolean();
        }

        if (type == typeof(Guid))
        {
            return Guid.Parse(element.GetString()!, CultureInfo.InvariantCulture);
        }

        if (type == typeof(float))
        {
            return (float)element.GetDouble();
        }

        if (type == typeof(double))
        {
            return element.GetDouble();
        }

        if (type == typeof(decimal))
        {
            return (decimal)element.GetDouble();
        }

        return Convert.ChangeType(element.GetInt64(), type, CultureInfo.InvariantCulture);
    }

    private static object Collect<T>(JsonElement.ArrayEnumerator items, Func<JsonElement, T> read, bool asArray)
    {
        var list = new List<T>();
        foreach (var item in items)
        {
            list.Add(read(item));
        }

        return asArray ? list.ToArray() : list;
    }

    private static string FormatItem(object item) => item switch
    {
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => item.ToString() ?? string.Empty,
    };
}
