#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace ClaudeOrchestration.Rag.Connectors;

/// <summary>
/// A caller's LINQ filter reduced to the few shapes every connector renders (to a Chroma <c>where</c>, SQL, a Qdrant
/// filter). Constants are folded away: a whole filter is either a <see cref="ConstantFilter"/> or a tree without constants.
/// </summary>
internal abstract record FilterNode;

/// <summary>All operands hold.</summary>
internal sealed record AndFilter(IReadOnlyList<FilterNode> Operands) : FilterNode;

/// <summary>At least one operand holds.</summary>
internal sealed record OrFilter(IReadOnlyList<FilterNode> Operands) : FilterNode;

/// <summary>The operand does not hold (C# semantics: <c>!(x &lt; 3)</c> is true when x is null).</summary>
internal sealed record NotFilter(FilterNode Operand) : FilterNode;

/// <summary>A filter that folded to a constant.</summary>
internal sealed record ConstantFilter(bool Value) : FilterNode;

/// <summary>
/// <c>property op value</c>. A <see langword="null"/> value appears only with <see cref="ExpressionType.Equal"/> and
/// <see cref="ExpressionType.NotEqual"/> (ordered comparisons with null fold to false, as in C#).
/// </summary>
internal sealed record CompareFilter(PropertyModel Property, ExpressionType Operator, object? Value) : FilterNode;

/// <summary>A list property contains <see cref="Value"/>.</summary>
internal sealed record ListContainsFilter(PropertyModel Property, object? Value) : FilterNode;

/// <summary>The property's value is one of <see cref="Values"/> (never empty: an empty list folds to false).</summary>
internal sealed record InFilter(PropertyModel Property, IReadOnlyList<object?> Values) : FilterNode;

/// <summary>Builds <see cref="FilterNode"/>s, folding constants.</summary>
internal static class Filters
{
    public static readonly ConstantFilter True = new(true);

    public static readonly ConstantFilter False = new(false);

    public static FilterNode And(FilterNode left, FilterNode right) => (left, right) switch
    {
        (ConstantFilter { Value: false }, _) or (_, ConstantFilter { Value: false }) => False,
        (ConstantFilter { Value: true }, _) => right,
        (_, ConstantFilter { Value: true }) => left,
        _ => new AndFilter([.. Flatten<AndFilter>(left, a => a.Operands), .. Flatten<AndFilter>(right, a => a.Operands)]),
    };

    public static FilterNode Or(FilterNode left, FilterNode right) => (left, right) switch
    {
        (ConstantFilter { Value: true }, _) or (_, ConstantFilter { Value: true }) => True,
        (ConstantFilter { Value: false }, _) => right,
        (_, ConstantFilter { Value: false }) => left,
        _ => new OrFilter([.. Flatten<OrFilter>(left, o => o.Operands), .. Flatten<OrFilter>(right, o => o.Operands)]),
    };

    public static FilterNode Not(FilterNode operand) => operand switch
    {
        ConstantFilter c => c.Value ? False : True,
        NotFilter n => n.Operand,
        _ => new NotFilter(operand),
    };

    /// <summary>Whether a stored value of <paramref name="property"/> can be null (reference types and <see cref="Nullable{T}"/>).</summary>
    public static bool IsNullable(PropertyModel property)
        => !property.Type.IsValueType || Nullable.GetUnderlyingType(property.Type) is not null;

    private static IEnumerable<FilterNode> Flatten<T>(FilterNode node, Func<T, IReadOnlyList<FilterNode>> operands)
        where T : FilterNode
        => node is T same ? operands(same) : [node];
}
