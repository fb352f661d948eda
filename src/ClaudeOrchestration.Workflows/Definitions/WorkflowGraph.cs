using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>Renders a definition's graph.</summary>
public static class WorkflowGraph
{
    /// <summary>The graph as Mermaid flowchart text: one box per node, arrows for dependencies, subgraphs for child nodes.</summary>
    public static string ToMermaid(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = new StringBuilder();
        text.Append("flowchart TD\n");
        WriteScope(text, definition.Nodes, prefix: "", indent: "    ");
        return text.ToString();
    }

    private static void WriteScope(StringBuilder text, IReadOnlyList<WorkflowNodeDefinition> nodes, string prefix, string indent)
    {
        foreach (var node in nodes)
        {
            var id = MermaidId(prefix, node.Id);
            var label = Escape(node.Name ?? node.Id) + "<br/><i>" + Escape(node.Type) + "</i>";
            if (node.Nodes.Count > 0)
            {
                text.Append(indent).Append("subgraph ").Append(id).Append(" [\"").Append(label).Append("\"]\n");
                if (node.Type == WorkflowNodeTypes.Parallel)
                {
                    text.Append(indent).Append("    direction LR\n");
                }

                WriteScope(text, node.Nodes, id + "__", indent + "    ");
                text.Append(indent).Append("end\n");
            }
            else
            {
                var shape = node.Type switch
                {
                    WorkflowNodeTypes.Conditional => ("{\"", "\"}"),
                    WorkflowNodeTypes.Approval => ("[/\"", "\"/]"),
                    _ => ("[\"", "\"]"),
                };
                text.Append(indent).Append(id).Append(shape.Item1).Append(label).Append(shape.Item2).Append('\n');
            }
        }

        foreach (var node in nodes)
        {
            var id = MermaidId(prefix, node.Id);
            foreach (var dependency in node.DependsOn)
            {
                var source = nodes.FirstOrDefault(n => n.Id == dependency);
                var label = source is { Type: WorkflowNodeTypes.Conditional } ? BranchOf(source, node.Id) : null;
                text.Append(indent).Append(MermaidId(prefix, dependency)).Append(label is null ? " --> " : $" -- {label} --> ").Append(id).Append('\n');
            }
        }
    }

    private static string? BranchOf(WorkflowNodeDefinition conditional, string target)
    {
        foreach (var branch in new[] { "then", "else" })
        {
            if (conditional.Inputs.TryGetValue(branch, out var list) && list is JsonArray array
                && array.Any(t => t is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == target))
            {
                return branch;
            }
        }

        return null;
    }

    private static string MermaidId(string prefix, string id) => prefix + "n_" + id.Replace('-', '_');

    private static string Escape(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("<", "#lt;", StringComparison.Ordinal);
}
