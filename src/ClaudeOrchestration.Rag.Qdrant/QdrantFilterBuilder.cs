#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>
/// Renders a <see cref="FilterNode"/> as a Qdrant payload filter (<c>must</c>/<c>should</c>/<c>must_not</c> with
/// <c>match</c>, <c>range</c> and <c>is_null</c> conditions). <c>must_not</c> of a condition also passes points whose key
/// is missing or null, which is C#'s answer for <c>x != v</c> and <c>!(x &lt; v)</c>; a list field matches when any element does.
/// </summary>
internal static class QdrantFilterBuilder
{
    public static JsonObject Build(FilterNode filter) => filter switch
    {
        AndFilter and => new JsonObject { ["must"] = Array(and.Operands) },
        OrFilter or => new JsonObject { ["should"] = Array(or.Operands) },
        NotFilter not => new JsonObject { ["must_not"] = new JsonArray(Build(not.Operand)) },
        CompareFilter compare => Comparison(compare),
        ListContainsFilter contains => new JsonObject { ["must"] = new JsonArray((JsonNode)Match(contains.Property, contains.Value ?? throw new NotSupportedException("Qdrant lists are matched by value; Contains(null) is not supported."))) },
        InFilter @in => In(@in),
        _ => throw new NotSupportedException($"Filter node '{filter}' cannot be expressed as a Qdrant filter."),
    };

    private static JsonArray Array(IReadOnlyList<FilterNode> operands)
    {
        var array = new JsonArray();
        foreach (var operand in operands)
        {
            array.Add((JsonNode)Build(operand));
        }

        return array;
    }

    private static JsonObject Comparison(CompareFilter compare)
    {
        var property = Check(compare.Property);
        if (compare.Value is null)
        {
            var isNull = new JsonObject { ["is_null"] = new JsonObject { ["key"] = property.StorageName } };
            return new JsonObject { [compare.Operator == ExpressionType.Equal ? "must" : "must_not"] = new JsonArray((JsonNode)isNull) };
        }

        var value = compare.Value;
        return compare.Operator switch
        {
            ExpressionType.Equal => new JsonObject { ["must"] = new JsonArray((JsonNode)Match(property, value)) },
            ExpressionType.NotEqual => new JsonObject { ["must_not"] = new JsonArray((JsonNode)Match(property, value)) },
            _ => new JsonObject { ["must"] = new JsonArray((JsonNode)Range(property, compare.Operator, value)) },
        };
    }

    private static JsonObject In(InFilter @in)
    {
        var property = Check(@in.Property);
        var any = new JsonArray();
        foreach (var value in @in.Values.Where(v => v is not null))
        {
            any.Add(QdrantPayload.ToJson(value!));
        }

        var should = new JsonArray();
        if (any.Count > 0)
        {
            should.Add((JsonNode)new JsonObject { ["key"] = property.StorageName, ["match"] = new JsonObject { ["any"] = any } });
        }

        if (@in.Values.Any(v => v is null))
        {
            should.Add((JsonNode)new JsonObject { ["is_null"] = new JsonObject { ["key"] = property.StorageName } });
        }

        return new JsonObject { ["should"] = should };
    }

    private static JsonObject Match(PropertyModel property, object value)
    {
        // match.value takes keywords, integers and booleans; a floating-point equality is a closed range.
        if (value is float or double or decimal)
        {
            var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            return new JsonObject { ["key"] = property.StorageName, ["range"] = new JsonObject { ["gte"] = number, ["lte"] = number } };
        }

        return new JsonObject { ["key"] = property.StorageName, ["match"] = new JsonObject { ["value"] = QdrantPayload.ToJson(value) } };
    }

    private static JsonObject Range(PropertyModel property, ExpressionType op, object value)
    {
        if (value is string or bool or Guid)
        {
            throw new NotSupportedException($"Qdrant ranges compare numbers; the filter compares property '{property.ModelName}' with a {value.GetType().Name}.");
        }

        var bound = op switch
        {
            ExpressionType.LessThan => "lt",
            ExpressionType.LessThanOrEqual => "lte",
            ExpressionType.GreaterThan => "gt",
            _ => "gte",
        };
        return new JsonObject { ["key"] = property.StorageName, ["range"] = new JsonObject { [bound] = Convert.ToDouble(value, CultureInfo.InvariantCulture) } };
    }

    private static PropertyModel Check(PropertyModel property)
        => property is KeyPropertyModel
            ? throw new NotSupportedException($"Qdrant filters apply to payload fields; filter on the key '{property.ModelName}' with GetAsync(keys) instead.")
            : property;
}
