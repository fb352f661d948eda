#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Linq.Expressions;
using ClaudeOrchestration.Rag.VectorStores;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace ClaudeOrchestration.Rag.Connectors;

/// <summary>
/// Turns a caller's LINQ filter into a <see cref="FilterNode"/> tree: <c>== != &lt; &lt;= &gt; &gt;=</c> between a property
/// and a constant (or captured variable), <c>&amp;&amp; || !</c>, bool properties, and <c>Contains</c> (a list property
/// containing a value, or a constant list containing a property). Anything else throws <see cref="NotSupportedException"/>
/// naming the node — the same set the embedded stores accept.
/// </summary>
internal sealed class FilterParser : FilterTranslatorBase
{
    private FilterParser()
    {
    }

    /// <summary>Parses <paramref name="filter"/> against <paramref name="model"/>.</summary>
    public static FilterNode Parse(LambdaExpression filter, CollectionModel model)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parser = new FilterParser();
        var body = parser.PreprocessFilter(ClosedSubtreeEvaluator.Evaluate(filter), model, new FilterPreprocessingOptions { SupportsParameterization = false });
        return parser.ParsePredicate(body);
    }

    /// <summary>The error for a filter node no connector supports.</summary>
    public static NotSupportedException Unsupported(Expression node)
        => new($"Unsupported filter expression node '{node.NodeType}': '{node}'. Filters support ==, !=, <, <=, >, >=, &&, ||, !, bool properties, "
            + "constants and captured variables, and Contains (a collection property containing a value, or a constant collection containing a property).");

    private FilterNode ParsePredicate(Expression node)
    {
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                return Filters.And(ParsePredicate(and.Left), ParsePredicate(and.Right));

            case BinaryExpression { NodeType: ExpressionType.OrElse } or:
                return Filters.Or(ParsePredicate(or.Left), ParsePredicate(or.Right));

            case BinaryExpression
            {
                NodeType: ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                    or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual,
            } comparison:
                return ParseComparison(comparison);

            case UnaryExpression { NodeType: ExpressionType.Not } not when not.Operand.Type == typeof(bool):
                return Filters.Not(ParsePredicate(not.Operand));

            case ConstantExpression { Value: bool value }:
                return value ? Filters.True : Filters.False;

            case MethodCallExpression call when TryMatchContains(call, out var source, out var item):
                return ParseContains(source, item);

            case var boolProperty when boolProperty.Type == typeof(bool) && TryBindProperty(boolProperty, out var property):
                return new CompareFilter(property, ExpressionType.Equal, true);

            default:
                throw Unsupported(node);
        }
    }

    private FilterNode ParseComparison(BinaryExpression comparison)
    {
        var left = comparison.Left;
        var right = comparison.Right;
        var nodeType = comparison.NodeType;

        // Normalise to "property op value" (flip a constant on the left).
        if (!TryBindProperty(left, out _) && TryBindProperty(right, out _))
        {
            (left, right) = (right, left);
            nodeType = nodeType switch
            {
                ExpressionType.LessThan => ExpressionType.GreaterThan,
                ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
                ExpressionType.GreaterThan => ExpressionType.LessThan,
                ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
                _ => nodeType,
            };
        }

        if (!TryBindProperty(left, out var property))
        {
            throw Unsupported(ClosedSubtreeEvaluator.TryGetConstant(left, out _) ? comparison : left);
        }

        if (property is VectorPropertyModel)
        {
            throw new NotSupportedException($"Property '{property.ModelName}' is a vector property; filters apply to key and data properties only.");
        }

        if (!ClosedSubtreeEvaluator.TryGetConstant(right, out var value))
        {
            throw TryBindProperty(right, out _)
                ? new NotSupportedException($"Comparing two properties ('{comparison}') is not supported; compare a property with a constant.")
                : Unsupported(right);
        }

        if (value is null && nodeType is not (ExpressionType.Equal or ExpressionType.NotEqual))
        {
            return Filters.False; // C#: a lifted ordered comparison with null is false
        }

        return new CompareFilter(property, nodeType, value);
    }

    private FilterNode ParseContains(Expression source, Expression item)
    {
        if (TryBindProperty(source, out var listProperty))
        {
            return ClosedSubtreeEvaluator.TryGetConstant(item, out var value) ? new ListContainsFilter(listProperty, value) : throw Unsupported(item);
        }

        if (TryBindProperty(item, out var property) && ClosedSubtreeEvaluator.TryGetConstantList(source, out var values))
        {
            return values.Count == 0 ? Filters.False : new InFilter(property, values);
        }

        throw Unsupported(source);
    }
}
