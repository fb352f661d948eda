using System.Linq.Expressions;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>Turns a <see cref="KnowledgeFilter"/> into the LINQ filter every MEVD collection understands.</summary>
internal static class KnowledgeFilterTranslator
{
    /// <summary>Translates a <see cref="KnowledgeFilter"/> into a MEVD filter expression; <see langword="null"/> for no filter.</summary>
    /// <exception cref="ArgumentException">A filter value is empty or whitespace.</exception>
    public static Expression<Func<KnowledgeChunkRecord, bool>>? Translate(KnowledgeFilter? filter)
    {
        if (filter is null || filter.IsEmpty)
        {
            return null;
        }

        var parts = new List<Expression<Func<KnowledgeChunkRecord, bool>>>();
        if (filter.Project is { } project)
        {
            RequireFilterValue(project, nameof(KnowledgeFilter.Project));
            parts.Add(r => r.Project == project);
        }

        if (filter.DocumentId is { } documentId)
        {
            RequireFilterValue(documentId, nameof(KnowledgeFilter.DocumentId));
            parts.Add(r => r.DocumentId == documentId);
        }

        if (filter.SourcePath is { } sourcePath)
        {
            RequireFilterValue(sourcePath, nameof(KnowledgeFilter.SourcePath));
            parts.Add(r => r.SourcePath == sourcePath);
        }

        foreach (var tag in filter.Tags ?? [])
        {
            RequireFilterValue(tag, nameof(KnowledgeFilter.Tags));
            parts.Add(r => Enumerable.Contains(r.Tags, tag));
        }

        var parameter = parts[0].Parameters[0];
        var body = parts[0].Body;
        for (var i = 1; i < parts.Count; i++)
        {
            body = Expression.AndAlso(body, new ParameterReplacer(parts[i].Parameters[0], parameter).Visit(parts[i].Body));
        }

        return Expression.Lambda<Func<KnowledgeChunkRecord, bool>>(body, parameter);
    }

    private static void RequireFilterValue(string? value, string name, string paramName = "options")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException(
                $"KnowledgeFilter.{name} contains an empty value; set a real value or leave it null to not filter on {name}.", paramName);
        }
    }

    private sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
