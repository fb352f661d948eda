using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Rag.Tests.Context;

/// <summary>The budget assembler on its own: no store, no clock, the real cl100k tokenizer.</summary>
public sealed class ContextBudgetAssemblerTests
{
    private static readonly ContextBudgetAssembler Assembler = new(RagTokenizer.Default);

    [Fact]
    public void Assemble_EverythingFits_RendersEverySectionInKindOrderAndOmitsNothing()
    {
        var result = Assembler.Assemble(
            [
                new ContextCandidate(ContextSectionKind.Memory, "- likes tabs\n", 0),
                new ContextCandidate(ContextSectionKind.WorkingContext, "Fix the build\n", 0),
                new ContextCandidate(ContextSectionKind.History, "user: hi\n", 0),
            ],
            project: null,
            budget: 1_000);

        Assert.Equal(0, result.OmittedItemCount);
        Assert.Equal(
            [ContextSectionKind.WorkingContext, ContextSectionKind.Memory, ContextSectionKind.History],
            result.Sections.Select(s => s.Kind));
        Assert.StartsWith("<working_context>\nFix the build\n</working_context>\n", result.Text, StringComparison.Ordinal);
        Assert.Equal(RagTokenizer.Default.CountTokens(result.Text), result.TokenCount);
    }

    [Fact]
    public void Assemble_TightBudget_KeepsTheHighestPriorityAndOmitsTheRest()
    {
        var first = "first " + string.Join(' ', Enumerable.Repeat("alpha", 20)) + "\n";
        var second = "second " + string.Join(' ', Enumerable.Repeat("beta", 200)) + "\n";
        var budget = RagTokenizer.Default.CountTokens("<memory>\n" + first + "</memory>\n") + 8;

        var result = Assembler.Assemble(
            [new ContextCandidate(ContextSectionKind.Memory, first, 0), new ContextCandidate(ContextSectionKind.Memory, second, 1)],
            project: null,
            budget);

        Assert.Contains("first", result.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("second", result.Text, StringComparison.Ordinal);
        Assert.Equal(1, result.OmittedItemCount);
    }

    [Fact]
    public void Assemble_ItemLargerThanTheRoomLeft_IsShortenedWithTheMark()
    {
        var longText = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i}")) + "\n";

        var result = Assembler.Assemble([new ContextCandidate(ContextSectionKind.Knowledge, longText, 0)], project: null, budget: 100);

        var section = Assert.Single(result.Sections);
        Assert.Equal(1, section.TruncatedItemCount);
        Assert.Contains(ContextBudgetAssembler.TruncationMark, result.Text, StringComparison.Ordinal);
        Assert.InRange(result.TokenCount, 1, 100);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(23)]
    [InlineData(64)]
    [InlineData(150)]
    [InlineData(400)]
    public void Assemble_AnyBudget_NeverExceedsIt(int budget)
    {
        var candidates = Enumerable.Range(0, 30)
            .Select(i => new ContextCandidate((ContextSectionKind)(i % 6), $"item {i}: " + string.Join(' ', Enumerable.Repeat("token", i * 3)) + "\n", i))
            .ToList();

        var result = Assembler.Assemble(candidates, project: "p<&\"", budget);

        Assert.InRange(result.TokenCount, 0, budget);
        Assert.Equal(RagTokenizer.Default.CountTokens(result.Text), result.TokenCount);
    }

    [Fact]
    public void Assemble_Knowledge_ComesBackInRankOrder()
    {
        static KnowledgeSearchResult Hit(string id) => new() { DocumentId = id, ChunkIndex = 0, Text = id, Score = 1, VectorScore = 1 };

        var result = Assembler.Assemble(
            [
                new ContextCandidate(ContextSectionKind.Knowledge, "b\n", 1, Hit("b")),
                new ContextCandidate(ContextSectionKind.Knowledge, "a\n", 0, Hit("a")),
            ],
            project: null,
            budget: 500);

        Assert.Equal(["a", "b"], result.Knowledge.Select(k => k.DocumentId));
        Assert.True(result.Text.IndexOf("a\n", StringComparison.Ordinal) < result.Text.IndexOf("b\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Tags_Project_IsEscapedInTheAttribute() =>
        Assert.Equal("<project name=\"a&amp;b&quot;&lt;c\">\n", ContextBudgetAssembler.Tags(ContextSectionKind.ProjectContext, "a&b\"<c").Open);
}
