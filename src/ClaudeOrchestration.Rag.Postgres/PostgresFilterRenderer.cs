#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.VectorData.ProviderServices;
using Npgsql;

namespace ClaudeOrchestration.Rag.Postgres;

/// <summary>
/// Renders a <see cref="FilterNode"/> as a parameterised SQL condition: every value is an <see cref="NpgsqlParameter"/>,
/// never text in the statement. Negations are pushed down so that C# null semantics hold without SQL's three-valued
/// logic getting in the way: <c>x != v</c> is <c>x IS DISTINCT FROM v</c> and <c>!(x &lt; v)</c> is <c>(x &gt;= v OR x IS NULL)</c>.
/// </summary>
internal sealed class PostgresFilterRenderer
{
    private readonly StringBuilder _sql = new();
    private readonly List<NpgsqlParameter> _parameters;

    private PostgresFilterRenderer(List<NpgsqlParameter> parameters) => _parameters = parameters;

    /// <summary>Renders <paramref name="filter"/> into a condition, adding its parameters to <paramref name="parameters"/>.</summary>
    public static string Render(FilterNode filter, List<NpgsqlParameter> parameters)
    {
        if (filter is ConstantFilter constant)
        {
            return constant.Value ? "TRUE" : "FALSE";
        }

        var renderer = new PostgresFilterRenderer(parameters);
        renderer.Append(filter, negate: false);
        return renderer._sql.ToString();
    }

    private void Append(FilterNode node, bool negate)
    {
        switch (node)
        {
            case AndFilter and:
                Join(negate ? " OR " : " AND ", and.Operands, negate);
                break;
            case OrFilter or:
                Join(negate ? " AND " : " OR ", or.Operands, negate);
                break;
            case NotFilter not:
                Append(not.Operand, !negate);
                break;
            case CompareFilter compare:
                AppendComparison(compare, negate);
                break;
            case ListContainsFilter contains:
                AppendListContains(contains, negate);
                break;
            case InFilter @in:
                AppendIn(@in, negate);
                break;
            default:
                throw new NotSupportedException($"Filter node '{node}' cannot be expressed in SQL.");
        }
    }

    private void Join(string separator, IReadOnlyList<FilterNode> operands, bool negate)
    {
        _sql.Append('(');
        for (var i = 0; i < operands.Count; i++)
        {
            if (i > 0)
            {
                _sql.Append(separator);
            }

            Append(operands[i], negate);
        }

        _sql.Append(')');
    }

    private void AppendComparison(CompareFilter compare, bool negate)
    {
        var column = Column(compare.Property);
        if (compare.Value is null)
        {
            var isNull = (compare.Operator == ExpressionType.Equal) != negate;
            _sql.Append('(').Append(column).Append(isNull ? " IS NULL)" : " IS NOT NULL)");
            return;
        }

        var parameter = Add(compare.Value);
        var op = negate ? Complement(compare.Operator) : compare.Operator;
        switch (op)
        {
            case ExpressionType.NotEqual:
                _sql.Append('(').Append(column).Append(" IS DISTINCT FROM ").Append(parameter).Append(')');
                return;
            case ExpressionType.Equal:
                _sql.Append('(').Append(column).Append(" = ").Append(parameter).Append(')');
                return;
        }

        var sqlOp = op switch
        {
            ExpressionType.LessThan => "<",
            ExpressionType.LessThanOrEqual => "<=",
            ExpressionType.GreaterThan => ">",
            _ => ">=",
        };
        if (negate && Filters.IsNullable(compare.Property))
        {
            // C#: !(x < v) holds when x is null.
            _sql.Append("((").Append(column).Append(' ').Append(sqlOp).Append(' ').Append(parameter).Append(") OR ").Append(column).Append(" IS NULL)");
            return;
        }

        _sql.Append('(').Append(column).Append(' ').Append(sqlOp).Append(' ').Append(parameter).Append(')');
    }

    private void AppendListContains(ListContainsFilter contains, bool negate)
    {
        if (PostgresTypes.ListElementType(contains.Property.Type) is null)
        {
            throw new NotSupportedException($"Property '{contains.Property.ModelName}' is not a list; Contains applies to list properties.");
        }

        var column = PostgresTypes.Quote(contains.Property.StorageName);
        if (contains.Value is null)
        {
            _sql.Append(negate ? "(NOT " : "(").Append("COALESCE(array_position(").Append(column).Append(", NULL) IS NOT NULL, FALSE))");
            return;
        }

        _sql.Append(negate ? "(NOT " : "(").Append("COALESCE(").Append(Add(contains.Value)).Append(" = ANY(").Append(column).Append("), FALSE))");
    }

    private void AppendIn(InFilter @in, bool negate)
    {
        var column = Column(@in.Property);
        var values = @in.Values.Where(v => v is not null).ToList();
        var hasNull = values.Count != @in.Values.Count;
        _sql.Append('(');
        if (values.Count > 0)
        {
            _sql.Append(negate ? "COALESCE(" : string.Empty).Append(column).Append(negate ? " NOT IN (" : " IN (");
            for (var i = 0; i < values.Count; i++)
            {
                _sql.Append(i == 0 ? string.Empty : ", ").Append(Add(values[i]!));
            }

            // C#: !list.Contains(x) holds when x is null and the list has no null.
            _sql.Append(negate ? "), TRUE)" : ")");
        }

        if (hasNull)
        {
            _sql.Append(values.Count > 0 ? (negate ? " AND " : " OR ") : string.Empty).Append(column).Append(negate ? " IS NOT NULL" : " IS NULL");
        }

        _sql.Append(')');
    }

    private static ExpressionType Complement(ExpressionType op) => op switch
    {
        ExpressionType.Equal => ExpressionType.NotEqual,
        ExpressionType.NotEqual => ExpressionType.Equal,
        ExpressionType.LessThan => ExpressionType.GreaterThanOrEqual,
        ExpressionType.LessThanOrEqual => ExpressionType.GreaterThan,
        ExpressionType.GreaterThan => ExpressionType.LessThanOrEqual,
        _ => ExpressionType.LessThan,
    };

    private static string Column(PropertyModel property)
    {
        if (PostgresTypes.ListElementType(property.Type) is not null)
        {
            throw new NotSupportedException($"List property '{property.ModelName}' can only be filtered with Contains.");
        }

        return PostgresTypes.Quote(property.StorageName);
    }

    private string Add(object value)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"f{_parameters.Count}");
        _parameters.Add(new NpgsqlParameter(name, PostgresTypes.ToDb(value)));
        return "@" + name;
    }
}
