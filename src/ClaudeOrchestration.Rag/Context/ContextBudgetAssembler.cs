using System.Text;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.ML.Tokenizers;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>One item that may go into assembled context; <see cref="Order"/> is its position inside its section.</summary>
internal sealed record ContextCandidate(ContextSectionKind Kind, string Text, int Order, KnowledgeSearchResult? Knowledge = null);

/// <summary>What <see cref="ContextBudgetAssembler.Assemble"/> produced.</summary>
internal sealed record ContextAssembly(
    string Text,
    int TokenCount,
    IReadOnlyList<ContextSection> Sections,
    IReadOnlyList<KnowledgeSearchResult> Knowledge,
    int OmittedItemCount);

/// <summary>
/// The pure part of context assembly: admits candidates in priority order (their list order) while they fit a token
/// budget, shortens one that does not fit when at least <see cref="MinTruncatedTokens"/> remain, renders the sections as
/// XML-tagged text, then counts the whole again and drops from the lowest priority until it fits. No I/O, no clock.
/// </summary>
internal sealed class ContextBudgetAssembler(Tokenizer tokenizer)
{
    /// <summary>The fewest tokens worth keeping of a shortened item.</summary>
    public const int MinTruncatedTokens = 16;

    /// <summary>Appended to a shortened item.</summary>
    public const string TruncationMark = " …\n";

    private readonly Tokenizer _tokenizer = tokenizer;

    /// <summary>Assembles <paramref name="candidates"/> (highest priority first) into at most <paramref name="budget"/> tokens.</summary>
    public ContextAssembly Assemble(IReadOnlyList<ContextCandidate> candidates, string? project, int budget)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);

        // Admit by priority while the budget lasts; a section's tags are paid for by its first item.
        var sectionCost = new HashSet<ContextSectionKind>();
        var selected = new List<Selected>();
        var used = 0;
        var omitted = 0;
        var markTokens = _tokenizer.CountTokens(TruncationMark);
        for (var priority = 0; priority < candidates.Count; priority++)
        {
            var candidate = candidates[priority];
            var opening = 0;
            if (!sectionCost.Contains(candidate.Kind))
            {
                var (open, close) = Tags(candidate.Kind, project);
                opening = _tokenizer.CountTokens(open + close) + 1;
            }

            var cost = _tokenizer.CountTokens(candidate.Text) + opening;
            if (used + cost <= budget)
            {
                selected.Add(new Selected(candidate, priority, candidate.Text, Truncated: false));
                _ = sectionCost.Add(candidate.Kind);
                used += cost;
                continue;
            }

            var room = budget - used - opening - markTokens;
            if (room >= MinTruncatedTokens)
            {
                var cut = _tokenizer.GetIndexByTokenCount(candidate.Text, room, out _, out _);
                if (cut > 0)
                {
                    var shortened = candidate.Text[..cut].TrimEnd() + TruncationMark;
                    var shortenedCost = _tokenizer.CountTokens(shortened) + opening;
                    if (used + shortenedCost <= budget)
                    {
                        selected.Add(new Selected(candidate, priority, shortened, Truncated: true));
                        _ = sectionCost.Add(candidate.Kind);
                        used += shortenedCost;
                        continue;
                    }
                }
            }

            omitted++;
        }

        // Token counts of parts do not add up exactly to the count of the whole: check the whole, drop from the bottom.
        var (text, sections) = Render(selected, project);
        var tokens = _tokenizer.CountTokens(text);
        while (tokens > budget && selected.Count > 0)
        {
            var lowest = selected.MaxBy(s => s.Priority)!;
            _ = selected.Remove(lowest);
            omitted++;
            (text, sections) = Render(selected, project);
            tokens = _tokenizer.CountTokens(text);
        }

        return new ContextAssembly(
            text,
            tokens,
            sections,
            [.. selected.Where(s => s.Candidate.Knowledge is not null).OrderBy(s => s.Candidate.Order).Select(s => s.Candidate.Knowledge!)],
            omitted);
    }

    /// <summary>The opening and closing tag of a section.</summary>
    public static (string Open, string Close) Tags(ContextSectionKind kind, string? project) => kind switch
    {
        ContextSectionKind.WorkingContext => ("<working_context>\n", "</working_context>\n"),
        ContextSectionKind.ProjectContext => (project is null ? "<project>\n" : $"<project name=\"{ContextManager.Escape(project)}\">\n", "</project>\n"),
        ContextSectionKind.Preferences => ("<preferences>\n", "</preferences>\n"),
        ContextSectionKind.Knowledge => ("<knowledge>\n", "</knowledge>\n"),
        ContextSectionKind.Memory => ("<memory>\n", "</memory>\n"),
        _ => ("<conversation>\n", "</conversation>\n"),
    };

    private static (string Text, IReadOnlyList<ContextSection> Sections) Render(List<Selected> selected, string? project)
    {
        var sections = new List<ContextSection>();
        var text = new StringBuilder();
        foreach (var kind in Enum.GetValues<ContextSectionKind>())
        {
            var items = selected.Where(s => s.Candidate.Kind == kind).OrderBy(s => s.Candidate.Order).ToList();
            if (items.Count == 0)
            {
                continue;
            }

            var (open, close) = Tags(kind, project);
            var section = new StringBuilder(open);
            foreach (var item in items)
            {
                section.Append(item.Text);
            }

            section.Append(close);
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(section);
            sections.Add(new ContextSection
            {
                Kind = kind,
                Text = section.ToString(),
                ItemCount = items.Count,
                TruncatedItemCount = items.Count(i => i.Truncated),
            });
        }

        return (text.ToString(), sections);
    }

    private sealed record Selected(ContextCandidate Candidate, int Priority, string Text, bool Truncated);
}
