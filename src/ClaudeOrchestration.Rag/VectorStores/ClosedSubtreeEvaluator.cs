using System.Collections;
using System.Linq.Expressions;

namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>
/// Replaces every largest subtree of a filter that does not depend on the record (<c>items[2].Id</c>,
/// <c>DateTime.UtcNow.AddDays(-1)</c>, <c>ids.ToArray()</c>) with its value, once per query, so the translators only
/// ever see the record's properties, operators and constants.
/// </summary>
internal static class ClosedSubtreeEvaluator
{
    public static LambdaExpression Evaluate(LambdaExpression filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var body = new Evaluator(filter.Parameters).Visit(filter.Body)!;
        return body == filter.Body ? filter : Expression.Lambda(filter.Type, body, filter.Parameters);
    }

    /// <summary>The value of an evaluated subtree (a constant, perhaps under conversions).</summary>
    public static bool TryGetConstant(Expression expression, out object? value)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            expression = convert.Operand;
        }

        if (expression is ConstantExpression constant)
        {
            value = constant.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>The values of an evaluated list (a constant sequence other than a string, or an array of constants).</summary>
    public static bool TryGetConstantList(Expression expression, out List<object?> values)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            expression = convert.Operand;
        }

        values = [];
        switch (expression)
        {
            case ConstantExpression { Value: not string and IEnumerable sequence }:
                foreach (var element in sequence)
                {
                    values.Add(element);
                }

                return true;
            case NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array:
                foreach (var element in array.Expressions)
                {
                    if (!TryGetConstant(element, out var value))
                    {
                        return false;
                    }

                    values.Add(value);
                }

                return true;
            default:
                return false;
        }
    }

    private sealed class Evaluator(IReadOnlyCollection<ParameterExpression> parameters) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node)
        {
            if (node is null or ConstantExpression or ParameterExpression or LambdaExpression || node.Type == typeof(void) || node.Type.IsByRefLike)
            {
                // Span conversions (C# 14 binds array.Contains to MemoryExtensions) stay as they are: the translators unwrap them.
                return base.Visit(node);
            }

            if (!References(node))
            {
                var value = Expression.Lambda<Func<object?>>(Expression.Convert(node, typeof(object))).Compile(preferInterpretation: true)();
                return Expression.Constant(value, node.Type);
            }

            return base.Visit(node);
        }

        private bool References(Expression node)
        {
            var finder = new ParameterFinder(parameters);
            _ = finder.Visit(node);
            return finder.Found;
        }
    }

    private sealed class ParameterFinder(IReadOnlyCollection<ParameterExpression> parameters) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found |= parameters.Contains(node);
            return node;
        }
    }
}
