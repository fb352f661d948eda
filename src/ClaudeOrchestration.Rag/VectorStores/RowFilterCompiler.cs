#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>
/// Compiles a caller's LINQ filter (<c>r =&gt; r.Category == "x" &amp;&amp; r.Rating &gt;= 3</c>) once per query into a predicate
/// over the stored row (<c>object?[]</c>: key, then data values in storage order). Only the node kinds every store can
/// honour are accepted — <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>&amp;&amp; || !</c>, bool properties, constants and captured
/// variables, and <c>Contains</c> (a list field containing a value, or a constant list containing a field); anything else
/// throws <see cref="NotSupportedException"/> naming the node, so in-memory and SQLite accept the same filters.
/// </summary>
internal sealed class RowFilterCompiler : FilterTranslatorBase
{
    private static readonly MethodInfo ContainsMethod = typeof(RowFilterCompiler).GetMethod(nameof(SequenceContains), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<PropertyModel, int> _rowOrdinalOf;
    private readonly ParameterExpression _row = Expression.Parameter(typeof(object?[]), "row");

    private RowFilterCompiler(Func<PropertyModel, int> rowOrdinalOf) => _rowOrdinalOf = rowOrdinalOf;

    /// <summary>Compiles <paramref name="filter"/> into a predicate over stored rows.</summary>
    public static Func<object?[], bool> Compile(LambdaExpression filter, CollectionModel model, Func<PropertyModel, int> rowOrdinalOf)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var compiler = new RowFilterCompiler(rowOrdinalOf);
        var body = compiler.PreprocessFilter(ClosedSubtreeEvaluator.Evaluate(filter), model, new FilterPreprocessingOptions { SupportsParameterization = false });
        var translated = compiler.Translate(body);
        if (translated.Type != typeof(bool))
        {
            throw new NotSupportedException($"A filter must produce a bool, but '{filter}' produces '{translated.Type.Name}'.");
        }

        return Expression.Lambda<Func<object?[], bool>>(translated, compiler._row).Compile(preferInterpretation: false);
    }

    /// <summary>Builds the error for a filter node no store supports.</summary>
    internal static NotSupportedException Unsupported(Expression node)
        => new($"Unsupported filter expression node '{node.NodeType}': '{node}'. Filters support ==, !=, <, <=, >, >=, &&, ||, !, bool properties, "
            + "constants and captured variables, and Contains (a collection property containing a value, or a constant collection containing a property).");

    private Expression Translate(Expression node)
    {
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logical:
                return Expression.MakeBinary(logical.NodeType, ToBool(Translate(logical.Left)), ToBool(Translate(logical.Right)));

            case BinaryExpression
            {
                NodeType: ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                    or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual,
            } comparison:
                return Expression.MakeBinary(
                    comparison.NodeType, Translate(comparison.Left), Translate(comparison.Right), comparison.IsLiftedToNull, comparison.Method);

            case UnaryExpression { NodeType: ExpressionType.Not } not when not.Operand.Type == typeof(bool):
                return Expression.Not(Translate(not.Operand));

            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert:
                if (TryBindProperty(convert, out var convertedProperty))
                {
                    return RowAccess(convertedProperty, convert.Type);
                }

                return Expression.Convert(Translate(convert.Operand), convert.Type, convert.Method);

            case MemberExpression member when TryBindProperty(member, out var property):
                return RowAccess(property, member.Type);

            case MethodCallExpression call when TryBindProperty(call, out var property):
                return RowAccess(property, call.Type);

            case MethodCallExpression call when TryMatchContains(call, out var source, out var item):
                return Expression.Call(
                    ContainsMethod,
                    Expression.Convert(TranslateCollection(source), typeof(object)),
                    Expression.Convert(Translate(item), typeof(object)));

            case ConstantExpression constant:
                return constant;

            default:
                throw Unsupported(node);
        }
    }

    private Expression TranslateCollection(Expression source)
    {
        while (source is UnaryExpression { NodeType: ExpressionType.Convert } convert && !TryBindProperty(convert, out _))
        {
            source = convert.Operand;
        }

        // An inline array (new[] { "a", "b" }) of constants: evaluate it once.
        if (source is NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array)
        {
            var values = new object?[array.Expressions.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = array.Expressions[i] is ConstantExpression c ? c.Value : throw Unsupported(array.Expressions[i]);
            }

            return Expression.Constant(values);
        }

        return Translate(source);
    }

    private Expression RowAccess(PropertyModel property, Type type)
    {
        Expression value = Expression.ArrayIndex(_row, Expression.Constant(_rowOrdinalOf(property)));
        return type == typeof(object) ? value : Expression.Convert(value, type);
    }

    private static Expression ToBool(Expression expression)
        => expression.Type == typeof(bool) ? expression : throw Unsupported(expression);

    private static bool SequenceContains(object? source, object? item)
    {
        if (source is not IEnumerable sequence)
        {
            return false;
        }

        foreach (var element in sequence)
        {
            if (Equals(element, item))
            {
                return true;
            }
        }

        return false;
    }
}
