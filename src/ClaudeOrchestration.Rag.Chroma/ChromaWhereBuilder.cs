#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Linq.Expressions;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>
/// Renders a <see cref="FilterNode"/> as a Chroma <c>where</c> clause. Chroma 1.0 has no <c>$not</c>, so negations are pushed
/// down (De Morgan, operator complements) while keeping C# null semantics: a missing key never satisfies <c>$eq</c>,
/// <c>$in</c> or an ordered comparison and always satisfies <c>$ne</c>/<c>$nin</c> (checked against Chroma 1.0.0), which
/// matches C# for <c>==</c>/<c>!=</c>; <c>!(x &lt; v)</c> on a nullable property adds "or x is null" explicitly.
/// </summary>
internal static class ChromaWhereBuilder
{
    /// <summary>Renders <paramref name="filter"/>; it must not be a <see cref="ConstantFilter"/> (callers handle those).</summary>
    public static JsonObject Build(FilterNode filter) => Render(filter, negate: false);

    private static JsonObject Render(FilterNode node, bool negate) => node switch
    {
        AndFilter and => Combine(negate ? "$or" : "$and", and.Operands, negate),
        OrFilter or => Combine(negate ? "$and" : "$or", or.Operands, negate),
        NotFilter not => Render(not.Operand, !negate),
        CompareFilter compare => RenderComparison(compare, negate),
        ListContainsFilter contains => RenderListContains(contains, negate),
        InFilter @in => RenderIn(@in, negate),
        _ => throw new NotSupportedException($"Filter node '{node}' cannot be expressed as a Chroma where clause."),
    };

    private static JsonObject Combine(string op, IReadOnlyList<FilterNode> operands, bool negate)
    {
        var array = new JsonArray();
        foreach (var operand in operands)
        {
            array.Add((JsonNode)Render(operand, negate));
        }

        return new JsonObject { [op] = array };
    }

    private static JsonObject RenderComparison(CompareFilter compare, bool negate)
    {
        var property = CheckFilterable(compare.Property);
        var op = compare.Operator;
        if (compare.Value is null)
        {
            // x == null / x != null: the null marker.
            var isNull = (op == ExpressionType.Equal) != negate;
            return Field(ChromaMetadata.NullMarker(property), isNull ? "$eq" : "$ne", true);
        }

        var value = compare.Value;
        if (op is not (ExpressionType.Equal or ExpressionType.NotEqual) && !ChromaMetadata.IsNumeric(value))
        {
            throw new NotSupportedException(
                $"Chroma compares only numbers with <, <=, > and >=; the filter compares property '{property.ModelName}' with a {value.GetType().Name}.");
        }

        if (!negate)
        {
            return Field(property.StorageName, Operator(op), value);
        }

        var complement = op switch
        {
            ExpressionType.Equal => ExpressionType.NotEqual,
            ExpressionType.NotEqual => ExpressionType.Equal,
            ExpressionType.LessThan => ExpressionType.GreaterThanOrEqual,
            ExpressionType.LessThanOrEqual => ExpressionType.GreaterThan,
            ExpressionType.GreaterThan => ExpressionType.LessThanOrEqual,
            _ => ExpressionType.LessThan,
        };
        var clause = Field(property.StorageName, Operator(complement), value);
        if (op is ExpressionType.Equal or ExpressionType.NotEqual || !Filters.IsNullable(property))
        {
            return clause;
        }

        // C#: !(x < v) holds when x is null, but "x >= v" does not match a missing key.
        return new JsonObject { ["$or"] = new JsonArray((JsonNode)clause, Field(ChromaMetadata.NullMarker(property), "$eq", true)) };
    }

    private static JsonObject RenderListContains(ListContainsFilter contains, bool negate)
    {
        var property = contains.Property;
        if (ChromaMetadata.ListElementType(property.Type) is null)
        {
            throw new NotSupportedException($"Property '{property.ModelName}' is not a list; Contains applies to list properties.");
        }

        if (contains.Value is null)
        {
            throw new NotSupportedException($"Chroma lists never hold null; '{property.ModelName}.Contains(null)' cannot be expressed.");
        }

        return Field(ChromaMetadata.HasMarker(property, contains.Value), negate ? "$ne" : "$eq", true);
    }

    private static JsonObject RenderIn(InFilter @in, bool negate)
    {
        var property = CheckFilterable(@in.Property);
        var values = new JsonArray();
        foreach (var value in @in.Values.Where(v => v is not null))
        {
            values.Add(ChromaMetadata.ToJson(value!));
        }

        var hasNull = @in.Values.Any(v => v is null);
        JsonObject? valueClause = values.Count == 0 ? null : new JsonObject { [property.StorageName] = new JsonObject { [negate ? "$nin" : "$in"] = values } };
        if (!hasNull)
        {
            return valueClause!;
        }

        var nullClause = Field(ChromaMetadata.NullMarker(property), negate ? "$ne" : "$eq", true);
        return valueClause is null ? nullClause : new JsonObject { [negate ? "$and" : "$or"] = new JsonArray((JsonNode)valueClause, nullClause) };
    }

    private static PropertyModel CheckFilterable(PropertyModel property)
    {
        if (property is KeyPropertyModel)
        {
            throw new NotSupportedException(
                $"Chroma cannot filter on the key property '{property.ModelName}' in a where clause; use GetAsync(keys) or DeleteAsync(keys) instead.");
        }

        if (ChromaMetadata.ListElementType(property.Type) is not null)
        {
            throw new NotSupportedException($"List property '{property.ModelName}' can only be filtered with Contains.");
        }

        return property;
    }

    private static JsonObject Field(string key, string op, object value)
        => new() { [key] = new JsonObject { [op] = ChromaMetadata.ToJson(value) } };

    private static string Operator(ExpressionType op) => op switch
    {
        ExpressionType.Equal => "$eq",
        ExpressionType.NotEqual => "$ne",
        ExpressionType.LessThan => "$lt",
        ExpressionType.LessThanOrEqual => "$lte",
        ExpressionType.GreaterThan => "$gt",
        ExpressionType.GreaterThanOrEqual => "$gte",
        _ => throw new NotSupportedException($"Unsupported comparison '{op}'."),
    };
}
