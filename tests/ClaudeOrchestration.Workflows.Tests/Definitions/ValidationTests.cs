using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;

namespace ClaudeOrchestration.Workflows.Tests.Definitions;

public sealed class ValidationTests
{
    [Fact]
    public void Build_Cycle_IsRejectedNamingTheNodes()
    {
        var builder = new WorkflowBuilder("cyclic")
            .Node("a", WorkflowNodeTypes.Set, n => n.DependsOn("c"))
            .Node("b", WorkflowNodeTypes.Set, n => n.DependsOn("a"))
            .Node("c", WorkflowNodeTypes.Set, n => n.DependsOn("b"));

        var error = Assert.Single(Assert.Throws<WorkflowValidationException>(builder.Build).Errors);
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
        Assert.Contains("a -> ", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("$.nodes[", error.JsonPath, StringComparison.Ordinal);
        Assert.NotNull(error.NodeId);
    }

    [Fact]
    public void Build_UnknownDependency_NamesNodeAndJsonPath()
    {
        var builder = new WorkflowBuilder("w")
            .Node("a", WorkflowNodeTypes.Set)
            .Node("b", WorkflowNodeTypes.Set, n => n.DependsOn("a", "ghost"));

        var error = Assert.Single(Assert.Throws<WorkflowValidationException>(builder.Build).Errors);
        Assert.Equal("b", error.NodeId);
        Assert.Equal("$.nodes[1].dependsOn[1]", error.JsonPath);
        Assert.Contains("'ghost'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownTypeAndMissingInput_AreBothReported()
    {
        var builder = new WorkflowBuilder("w")
            .Node("a", "teleport")
            .Node("b", WorkflowNodeTypes.ClaudeCode);

        var errors = Assert.Throws<WorkflowValidationException>(builder.Build).Errors;
        Assert.Contains(errors, e => e.NodeId == "a" && e.JsonPath == "$.nodes[0].type" && e.Message.Contains("'teleport' is unknown", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.NodeId == "b" && e.JsonPath == "$.nodes[1].inputs.prompt");
    }

    [Fact]
    public void Parse_InputReferencesNestedInObjectsArraysAndChildNodes_AreCheckedLikeTopLevelOnes()
    {
        var error = Assert.Throws<WorkflowValidationException>(() => WorkflowDefinitionJson.Parse("""
            { "name": "nested", "inputs": [ { "name": "task" } ],
              "nodes": [
                { "id": "a", "type": "set", "inputs": { "cfg": { "ok": "${inputs.task}", "list": [ 1, { "deep": "x ${inputs.ghost1} y" } ] } } },
                { "id": "p", "type": "parallel", "nodes": [
                  { "id": "b", "type": "set", "inputs": { "ok": "${inputs.task}", "cfg": { "bad": "${inputs.ghost2}" } } } ] },
                { "id": "s", "type": "subworkflow", "inputs": { "inputs": { "topic": "${inputs.task}" } }, "nodes": [
                  { "id": "c", "type": "set", "inputs": { "ok": "${inputs.topic}", "bad": [ "${inputs.task}" ] } } ] }
              ],
              "outputs": { "odd name": { "x": "${inputs.ghost3}" } } }
            """)).Errors;

        Assert.Collection(error.OrderBy(e => e.JsonPath, StringComparer.Ordinal),
            e => Assert.Equal(("a", "$.nodes[0].inputs.cfg.list[1].deep"), (e.NodeId, e.JsonPath)),
            e => Assert.Equal(("p/b", "$.nodes[1].nodes[0].inputs.cfg.bad"), (e.NodeId, e.JsonPath)),
            e => Assert.Equal(("s/c", "$.nodes[2].nodes[0].inputs.bad[0]"), (e.NodeId, e.JsonPath)),
            e => Assert.Equal((null, "$.outputs['odd name'].x"), (e.NodeId, e.JsonPath)));
        Assert.Contains("declared: topic", error.Single(e => e.NodeId == "s/c").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReferenceToNodeThatIsNotUpstream_IsRejected()
    {
        var builder = new WorkflowBuilder("w")
            .Node("a", WorkflowNodeTypes.Set, n => n.With("x", 1))
            .Node("b", WorkflowNodeTypes.Set, n => n.With("y", "${nodes.a.outputs.x}"));

        var error = Assert.Single(Assert.Throws<WorkflowValidationException>(builder.Build).Errors);
        Assert.Equal("$.nodes[1].inputs.y", error.JsonPath);
        Assert.Contains("not upstream", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd') != ''")]
    [InlineData("ReadAllText('/etc/passwd') == 'x'")]
    [InlineData("GetType() == 'x'")]
    [InlineData("Activator.CreateInstance('System.Diagnostics.Process') == null")]
    [InlineData("while (true) { }")]
    [InlineData("[Environment.Exit] == 1")]
    [InlineData("typeof(System.IO.File)")]
    public void Build_UnsafeExpression_IsRejected(string expression)
    {
        var builder = new WorkflowBuilder("w").Node("a", WorkflowNodeTypes.Set, n => n.When(expression));

        var error = Assert.Single(Assert.Throws<WorkflowValidationException>(builder.Build).Errors);
        Assert.Equal("$.nodes[0].when", error.JsonPath);
        Assert.Equal("a", error.NodeId);
    }

    [Fact]
    public void Build_LoopWithoutMaxIterations_IsRejected()
    {
        var builder = new WorkflowBuilder("w")
            .Node("loop", WorkflowNodeTypes.Loop, n => n.With("while", "true").Child("body", WorkflowNodeTypes.Set));

        var error = Assert.Single(Assert.Throws<WorkflowValidationException>(builder.Build).Errors);
        Assert.Contains("maxIterations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Json_ValidatesAndRoundTrips()
    {
        const string json = """
            {
              "name": "review",
              "inputs": [ { "name": "task" } ],
              "nodes": [
                { "id": "generate", "type": "set", "inputs": { "code": "code for ${inputs.task}" } },
                { "id": "review", "type": "set", "dependsOn": [ "generate" ], "inputs": { "seen": "${nodes.generate.outputs.code}" },
                  "policy": { "maxAttempts": 3, "initialDelay": "00:00:02", "timeout": "00:05:00", "onError": "Continue" } }
              ],
              "outputs": { "result": "${nodes.review.outputs.seen}" }
            }
            """;

        var definition = WorkflowDefinitionJson.Parse(json);

        Assert.Equal(3, definition.Nodes[1].Policy!.MaxAttempts);
        Assert.Equal(WorkflowErrorMode.Continue, definition.Nodes[1].Policy!.OnError);
        var again = WorkflowDefinitionJson.Parse(WorkflowDefinitionJson.Serialize(definition));
        Assert.Equal(TimeSpan.FromMinutes(5), again.Nodes[1].Policy!.Timeout);
    }

    [Fact]
    public void Parse_BadJson_ReportsTheJsonPath()
    {
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowDefinitionJson.Parse("""{ "name": "w", "nodes": [ { "id": "a", "type": "set", "dependsOn": 5 } ] }"""));
        Assert.Contains("$.nodes[0].dependsOn", Assert.Single(ex.Errors).JsonPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonWithUnknownDependency_NamesNodeAndPath()
    {
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowDefinitionJson.Parse("""{ "name": "w", "nodes": [ { "id": "a", "type": "set", "dependsOn": [ "zzz" ] } ] }"""));
        Assert.Equal("$.nodes[0].dependsOn[0]", Assert.Single(ex.Errors).JsonPath);
    }

    [Fact]
    public void GetJsonSchema_DescribesNodes()
    {
        var schema = WorkflowDefinitionJson.GetJsonSchema().ToJsonString();
        Assert.Contains("dependsOn", schema, StringComparison.Ordinal);
        Assert.Contains("maxAttempts", schema, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMermaid_RendersNodesEdgesAndBranches()
    {
        var definition = new WorkflowBuilder("w")
            .Node("check", WorkflowNodeTypes.Conditional, n => n.With("condition", "1 == 1").With("then", new JsonArray("yes")).With("else", new JsonArray("no")))
            .Node("yes", WorkflowNodeTypes.Set, n => n.DependsOn("check"))
            .Node("no", WorkflowNodeTypes.Set, n => n.DependsOn("check"))
            .Node("fan", WorkflowNodeTypes.Parallel, n => n.DependsOn("yes", "no").Child("x", WorkflowNodeTypes.Set).Child("y", WorkflowNodeTypes.Set))
            .Build();

        var mermaid = WorkflowGraph.ToMermaid(definition);

        Assert.StartsWith("flowchart TD", mermaid, StringComparison.Ordinal);
        Assert.Contains("n_check -- then --> n_yes", mermaid, StringComparison.Ordinal);
        Assert.Contains("n_check -- else --> n_no", mermaid, StringComparison.Ordinal);
        Assert.Contains("subgraph n_fan", mermaid, StringComparison.Ordinal);
        Assert.Contains("n_fan__n_x", mermaid, StringComparison.Ordinal);
    }
}
