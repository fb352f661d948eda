using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Workflows.Expressions;

/// <summary>
/// <c>${path}</c> references inside input values. A string that is exactly one reference takes the referenced value with
/// its JSON type; references inside longer text are interpolated as text.
/// </summary>
internal static class WorkflowTemplate
{
    /// <summary>
    /// Every reference in a value (strings inside objects and arrays included), with the JSON path of the string that
    /// holds it (<paramref name="jsonPath"/> extended by property names and indexes) and the error of a malformed one.
    /// </summary>
    public static IEnumerable<(string? Path, string? Error, string JsonPath)> FindReferences(JsonNode? value, string jsonPath)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    foreach (var reference in FindReferences(child, PropertyPath(jsonPath, name)))
                    {
                        yield return reference;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var reference in FindReferences(array[i], $"{jsonPath}[{i}]"))
                    {
                        yield return reference;
                    }
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                foreach (var (path, error) in FindReferences(v.GetValue<string>()))
                {
                    yield return (path, error, jsonPath);
                }

                break;
            default:
                break;
        }
    }

    /// <summary><c>$.a.name</c>, or <c>$.a['odd name']</c> when the name is not a plain identifier.</summary>
    public static string PropertyPath(string jsonPath, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? $"{jsonPath}.{name}"
            : $"{jsonPath}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>The references in one string.</summary>
    public static IEnumerable<(string? Path, string? Error)> FindReferences(string text)
    {
        var index = 0;
        while ((index = text.IndexOf("${", index, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf('}', index + 2);
            if (end < 0)
            {
                yield return (null, $"'{WorkflowExpression.Truncate(text[index..])}' has no closing '}}'");
                yield break;
            }

            var path = text[(index + 2)..end].Trim();
            yield return WorkflowExpression.IsWorkflowPath(path)
                ? (path, null)
                : (null, $"'${{{path}}}' is not a workflow value; use ${{nodes.<id>.outputs.<name>}}, ${{inputs.<name>}}, ${{loop.item}} or ${{run.id}}");
            index = end + 1;
        }
    }

    /// <summary>Whether a value holds any reference.</summary>
    public static bool HasReferences(JsonNode? value) => value switch
    {
        JsonObject obj => obj.Any(p => HasReferences(p.Value)),
        JsonArray array => array.Any(HasReferences),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Contains("${", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>A copy of the value with every reference resolved.</summary>
    public static JsonNode? Resolve(JsonNode? value, Func<string, JsonNode?> resolve)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonObject obj:
                var resultObject = new JsonObject();
                foreach (var (name, child) in obj)
                {
                    resultObject[name] = Resolve(child, resolve);
                }

                return resultObject;
            case JsonArray array:
                var resultArray = new JsonArray();
                foreach (var child in array)
                {
                    resultArray.Add(Resolve(child, resolve));
                }

                return resultArray;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return ResolveString(v.GetValue<string>(), resolve);
            default:
                return value.DeepClone();
        }
    }

    private static JsonNode? ResolveString(string text, Func<string, JsonNode?> resolve)
    {
        var start = text.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
        {
            return JsonValue.Create(text);
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith("${", StringComparison.Ordinal) && trimmed.EndsWith('}') && trimmed.IndexOf("${", 2, StringComparison.Ordinal) < 0)
        {
            return resolve(trimmed[2..^1].Trim())?.DeepClone();
        }

        var builder = new StringBuilder(text.Length);
        var index = 0;
        while (start >= 0)
        {
            builder.Append(text, index, start - index);
            var end = text.IndexOf('}', start + 2);
            var node = resolve(text[(start + 2)..end].Trim());
            builder.Append(node switch
            {
                null => "",
                JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>(),
                _ => node.ToJsonString(),
            });
            index = end + 1;
            start = text.IndexOf("${", index, StringComparison.Ordinal);
        }

        builder.Append(text, index, text.Length - index);
        return JsonValue.Create(builder.ToString());
    }

    /// <summary>Whether a JSON value has the expected type.</summary>
    public static bool IsOfType(JsonNode? value, Definitions.WorkflowValueType type) => type switch
    {
        Definitions.WorkflowValueType.Any => true,
        Definitions.WorkflowValueType.String => value is JsonValue s && s.GetValueKind() == JsonValueKind.String,
        Definitions.WorkflowValueType.Number => value is JsonValue n && n.GetValueKind() == JsonValueKind.Number,
        Definitions.WorkflowValueType.Integer => value is JsonValue i && i.GetValueKind() == JsonValueKind.Number
            && ToElement(i).TryGetInt64(out _),
        Definitions.WorkflowValueType.Boolean => value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        Definitions.WorkflowValueType.Object => value is JsonObject,
        Definitions.WorkflowValueType.Array => value is JsonArray,
        _ => false,
    };

    /// <summary>A JSON value as a <see cref="JsonElement"/>, whether it was parsed or created from a .NET value.</summary>
    public static JsonElement ToElement(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element;
        }

        using var document = JsonDocument.Parse(value.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>A short description of a value's JSON type for error messages.</summary>
    public static string KindOf(JsonNode? value) => value is null ? "null" : value.GetValueKind().ToString().ToLowerInvariant();
}
