using ClaudeOrchestration.Delegation;

namespace ClaudeOrchestration.Core.Tests.Delegation;

public sealed class DelegationGraphTests
{
    private static DelegationRequest R(string id, params string[] dependsOn) =>
        new() { Id = id, TaskType = ClaudeTaskType.CodeGeneration, Description = "d " + id, DependsOn = dependsOn };

    [Fact]
    public void TopologicalOrder_Diamond_DependenciesBeforeDependents()
    {
        var order = DelegationGraph.TopologicalOrder([R("d", "b", "c"), R("b", "a"), R("c", "a"), R("a")]);

        Assert.Equal(["a", "b", "c", "d"], order);
    }

    [Fact]
    public void TopologicalOrder_Cycle_NamesTheCycle()
    {
        var ex = Assert.Throws<DelegationGraphException>(() =>
            DelegationGraph.TopologicalOrder([R("a"), R("b", "a", "d"), R("c", "b"), R("d", "c")]));

        Assert.Contains("cycle", ex.Message);
        Assert.Equal(4, ex.RequestIds.Count);
        Assert.Equal(ex.RequestIds[0], ex.RequestIds[^1]);
        Assert.Equal(["b", "c", "d"], ex.RequestIds.Distinct().Order());
    }

    [Fact]
    public void TopologicalOrder_SelfDependency_IsACycle()
    {
        var ex = Assert.Throws<DelegationGraphException>(() => DelegationGraph.TopologicalOrder([R("a", "a")]));

        Assert.Equal(["a", "a"], ex.RequestIds);
    }

    [Fact]
    public void TopologicalOrder_UnknownDependency_Throws()
    {
        var ex = Assert.Throws<DelegationGraphException>(() => DelegationGraph.TopologicalOrder([R("a", "ghost")]));

        Assert.Contains("'ghost'", ex.Message);
    }

    [Fact]
    public void TopologicalOrder_DuplicateId_Throws()
    {
        var ex = Assert.Throws<DelegationGraphException>(() => DelegationGraph.TopologicalOrder([R("a"), R("a")]));

        Assert.Contains("more than once", ex.Message);
    }
}
