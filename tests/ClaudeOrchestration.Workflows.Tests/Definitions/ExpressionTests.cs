using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Expressions;

namespace ClaudeOrchestration.Workflows.Tests.Definitions;

public sealed class ExpressionTests
{
    private static JsonNode? Resolve(string path) => path switch
    {
        "nodes.review.outputs.approved" => JsonValue.Create(false),
        "nodes.review.outputs.findings" => new JsonArray("null check", "naming"),
        "inputs.count" => JsonValue.Create(3),
        "inputs.name" => JsonValue.Create("Claude"),
        "inputs.obj" => new JsonObject { ["a"] = 1 },
        _ => throw new WorkflowExpressionException($"unknown {path}"),
    };

    [Theory]
    [InlineData("[nodes.review.outputs.approved] == false", true)]
    [InlineData("[inputs.count] > 2 && startsWith([inputs.name], 'Cl')", true)]
    [InlineData("length([nodes.review.outputs.findings]) == 2", true)]
    [InlineData("contains([nodes.review.outputs.findings], 'naming')", true)]
    [InlineData("if([inputs.count] > 5, true, false)", false)]
    public void EvaluateCondition_UsesWorkflowValues(string expression, bool expected)
    {
        Assert.Null(WorkflowExpression.Validate(expression, out _));
        Assert.Equal(expected, WorkflowExpression.EvaluateCondition(expression, Resolve));
    }

    [Fact]
    public void Evaluate_ObjectValue_IsNotHandedToTheExpression()
    {
        var ex = Assert.Throws<WorkflowExpressionException>(() => WorkflowExpression.Evaluate("[inputs.obj] == 1", Resolve));
        Assert.Contains("is an object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateCondition_NonBoolean_Fails() =>
        Assert.Throws<WorkflowExpressionException>(() => WorkflowExpression.EvaluateCondition("[inputs.count] + 1", Resolve));

    [Fact]
    public void Validate_TooLong_IsRejected() =>
        Assert.Contains("limit", WorkflowExpression.Validate(string.Join(" + ", Enumerable.Repeat("1", 2_000)), out _), StringComparison.Ordinal);

    [Fact]
    public void Validate_NameOutsideTheWorkflow_IsRejected() =>
        Assert.Contains("not a workflow value", WorkflowExpression.Validate("[Environment] == 1", out _), StringComparison.Ordinal);
}
