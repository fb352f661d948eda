#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Linq.Expressions;
using System.Text;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>
/// Translates a caller's LINQ filter into a parameterised SQLite <c>WHERE</c> clause. It accepts exactly the node kinds
/// <see cref="RowFilterCompiler"/> accepts (so in-memory and SQLite take the same filters) and keeps C# null semantics
/// where SQL's differ: <c>x != v</c> also matches rows where <c>x</c> is NULL.
/// </summary>
internal sealed class SqliteFilterTranslator : FilterTranslatorBase
{
    private readonly StringBuilder _sql = new();
    private readonly List<object> _parameters = [];
    private readonly string _parameterPrefix;

    private SqliteFilterTranslator(string parameterPrefix) => _parameterPrefix = parameterPrefix;

    /// <summary>Translates <paramref name="filter"/>; parameters are named <c>@{prefix}0</c>, <c>@{prefix}1</c>, ….</summary>
    public static (string Sql, IReadOnlyList<object> Parameters) Translate(LambdaExpression filter, CollectionModel model, string parameterPrefix = "f")
    {
        ArgumentNullException.ThrowIfNull(filter);
        var translator = new SqliteFilterTranslator(parameterPrefix);
        var body = translator.PreprocessFilter(ClosedSubtreeEvaluator.Evaluate(filter), model, new FilterPreprocessingOptions { SupportsParameterization = false });
        translator.TranslatePredicate(body);
        return (translator._sql.ToString(), translator._parameters);
    }

    private void TranslatePredicate(Expression node)
    {
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logical:
                _sql.Append('(');
                TranslatePredicate(logical.Left);
                _sql.Append(logical.NodeType == ExpressionType.AndAlso ? " AND " : " OR ");
                TranslatePredicate(logical.Right);
                _sql.Append(')');
                return;

            case BinaryExpression
            {
                NodeType: ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                    or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual,
            } comparison:
                TranslateComparison(comparison);
                return;

            case UnaryExpression { NodeType: ExpressionType.Not } not when not.Operand.Type == typeof(bool):
                _sql.Append("(NOT ");
                TranslatePredicate(not.Operand);
                _sql.Append(')');
                return;

            case ConstantExpression { Value: bool value }:
                _sql.Append(value ? "1" : "0");
                return;

            case MethodCallExpression call when TryMatchContains(call, out var source, out var item):
                TranslateContains(source, item);
                return;

            case var boolProperty when boolProperty.Type == typeof(bool) && TryBindProperty(boolProperty, out var property):
                _sql.Append(Column(property)).Append(" = 1");
                return;

            default:
                throw RowFilterCompiler.Unsupported(node);
        }
    }

    private void TranslateComparison(BinaryExpression comparison)
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
            // Neither side is a property (or the property is wrapped in something else): name the offending operand.
            throw RowFilterCompiler.Unsupported(ClosedSubtreeEvaluator.TryGetConstant(left, out _) ? comparison : left);
        }

        var column = Column(property);
        if (TryBindProperty(right, out var otherProperty))
        {
            _sql.Append('(').Append(column).Append(' ').Append(Operator(nodeType)).Append(' ').Append(Column(otherProperty)).Append(')');
            return;
        }

        if (!ClosedSubtreeEvaluator.TryGetConstant(right, out var value))
        {
            throw RowFilterCompiler.Unsupported(right);
        }

        if (value is null)
        {
            _sql.Append('(').Append(column).Append(nodeType switch
            {
                ExpressionType.Equal => " IS NULL)",
                ExpressionType.NotEqual => " IS NOT NULL)",
                _ => " IS NULL AND 0)", // C#: a lifted comparison with null is false
            });
            return;
        }

        var parameter = AddParameter(value);
        _sql.Append(nodeType == ExpressionType.NotEqual
            ? $"({column} <> {parameter} OR {column} IS NULL)"
            : $"({column} {Operator(nodeType)} {parameter})");
    }

    private void TranslateContains(Expression source, Expression item)
    {
        // A list property containing a value: the JSON array column holds it.
        if (TryBindProperty(source, out var listProperty))
        {
            if (!ClosedSubtreeEvaluator.TryGetConstant(item, out var value))
            {
                throw RowFilterCompiler.Unsupported(item);
            }

            _sql.Append("EXISTS (SELECT 1 FROM json_each(").Append(Column(listProperty)).Append(") WHERE value ")
                .Append(value is null ? "IS NULL" : "= " + AddParameter(value)).Append(')');
            return;
        }

        // A constant list containing a property: IN (...).
        if (TryBindProperty(item, out var property) && ClosedSubtreeEvaluator.TryGetConstantList(source, out var values))
        {
            if (values.Count == 0)
            {
                _sql.Append('0');
                return;
            }

            _sql.Append('(').Append(Column(property)).Append(" IN (");
            for (var i = 0; i < values.Count; i++)
            {
                _sql.Append(i == 0 ? string.Empty : ", ").Append(values[i] is null ? "NULL" : AddParameter(values[i]!));
            }

            _sql.Append("))");
            return;
        }

        throw RowFilterCompiler.Unsupported(source);
    }

    private string AddParameter(object value)
    {
        var name = $"@{_parameterPrefix}{_parameters.Count}";
        _parameters.Add(SqliteValueMapping.ToDb(value));
        return name;
    }

    private static string Column(PropertyModel property)
    {
        if (property is VectorPropertyModel)
        {
            throw new NotSupportedException($"Property '{property.ModelName}' is a vector property; filters apply to key and data properties only.");
        }

        return SqliteSql.Quote(property.StorageName);
    }

    private static string Operator(ExpressionType nodeType) => nodeType switch
    {
        ExpressionType.Equal => "=",
        ExpressionType.NotEqual => "<>",
        ExpressionType.LessThan => "<",
        ExpressionType.LessThanOrEqual => "<=",
        ExpressionType.GreaterThan => ">",
        ExpressionType.GreaterThanOrEqual => ">=",
        _ => throw new NotSupportedException($"Unsupported comparison '{nodeType}'."),
    };
}
