using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClaudeOrchestration.Workflows.Expressions;

namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>Checks a definition against the node types known to the caller; every error names its node and JSON path.</summary>
internal static partial class WorkflowValidator
{
    public const int MaxDepth = 16;

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_\\-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_\\-\\.]*$")]
    private static partial Regex NamePattern();

    public static IReadOnlyList<WorkflowValidationError> Validate(WorkflowDefinition definition, NodeTypeCatalog types)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<WorkflowValidationError>();
        if (string.IsNullOrWhiteSpace(definition.Name) || !NamePattern().IsMatch(definition.Name))
        {
            errors.Add(new() { JsonPath = "$.name", Message = $"the workflow name '{definition.Name}' must be letters, digits, '_', '-' or '.'" });
        }

        var inputNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definition.Inputs.Count; i++)
        {
            var input = definition.Inputs[i];
            if (string.IsNullOrWhiteSpace(input.Name) || !IdPattern().IsMatch(input.Name) || !inputNames.Add(input.Name))
            {
                errors.Add(new() { JsonPath = $"$.inputs[{i}].name", Message = $"the input name '{input.Name}' is empty, malformed or repeated" });
            }
            else if (input.Default is not null && !WorkflowTemplate.IsOfType(input.Default, input.Type))
            {
                errors.Add(new() { JsonPath = $"$.inputs[{i}].default", Message = $"the default is {WorkflowTemplate.KindOf(input.Default)}, not {input.Type}" });
            }
        }

        if (definition.Nodes is null || definition.Nodes.Count == 0)
        {
            errors.Add(new() { JsonPath = "$.nodes", Message = "a workflow needs at least one node" });
            return errors;
        }

        var context = new Context(types, errors);
        ValidateScope(context, definition.Nodes, "$.nodes", null, new HashSet<string>(StringComparer.Ordinal), inputNames, inLoop: false, depth: 0);

        var topIds = definition.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in definition.Outputs)
        {
            CheckReferences(context, value, WorkflowTemplate.PropertyPath("$.outputs", name), null, topIds, inputNames, inLoop: false);
        }

        if (definition.Limits is { } limits)
        {
            if (limits.MaxConcurrency is < 1)
            {
                errors.Add(new() { JsonPath = "$.limits.maxConcurrency", Message = "must be at least 1" });
            }

            if (limits.Deadline is { } d && d <= TimeSpan.Zero)
            {
                errors.Add(new() { JsonPath = "$.limits.deadline", Message = "must be positive" });
            }
        }

        return errors;
    }

    private static void ValidateScope(
        Context context, IReadOnlyList<WorkflowNodeDefinition> nodes, string jsonPath, string? parentPath, IReadOnlySet<string> visibleFromParent,
        IReadOnlySet<string>? inputNames, bool inLoop, int depth)
    {
        if (depth > MaxDepth)
        {
            context.Errors.Add(new() { NodeId = parentPath, JsonPath = jsonPath, Message = $"nodes nest deeper than {MaxDepth} levels" });
            return;
        }

        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var nodePath = Join(parentPath, node.Id);
            if (string.IsNullOrWhiteSpace(node.Id) || !IdPattern().IsMatch(node.Id))
            {
                context.Errors.Add(new() { NodeId = nodePath, JsonPath = $"{jsonPath}[{i}].id", Message = $"the node id '{node.Id}' must be letters, digits, '_' or '-'" });
            }
            else if (!byId.TryAdd(node.Id, i))
            {
                context.Errors.Add(new() { NodeId = nodePath, JsonPath = $"{jsonPath}[{i}].id", Message = $"the node id '{node.Id}' is used twice" });
            }
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            for (var d = 0; d < node.DependsOn.Count; d++)
            {
                var dependency = node.DependsOn[d];
                if (!byId.ContainsKey(dependency))
                {
                    context.Errors.Add(new()
                    {
                        NodeId = Join(parentPath, node.Id),
                        JsonPath = $"{jsonPath}[{i}].dependsOn[{d}]",
                        Message = $"depends on '{dependency}', which is not a node here (known: {string.Join(", ", byId.Keys)})",
                    });
                }
                else if (dependency == node.Id)
                {
                    context.Errors.Add(new() { NodeId = Join(parentPath, node.Id), JsonPath = $"{jsonPath}[{i}].dependsOn[{d}]", Message = "depends on itself" });
                }
            }
        }

        var cycle = FindCycle(nodes, byId);
        if (cycle is not null)
        {
            var first = byId[cycle[0]];
            context.Errors.Add(new()
            {
                NodeId = Join(parentPath, cycle[0]),
                JsonPath = $"{jsonPath}[{first}].dependsOn",
                Message = $"the dependencies form a cycle: {string.Join(" -> ", cycle)}",
            });
            return;
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var nodePath = Join(parentPath, node.Id);
            var nodeJson = $"{jsonPath}[{i}]";
            // Computed only for nodes that read other nodes: eagerly it would make a long chain O(n²) to validate.
            var visible = new Lazy<HashSet<string>>(() =>
            {
                var set = new HashSet<string>(visibleFromParent, StringComparer.Ordinal);
                AddUpstream(nodes, byId, node, set);
                return set;
            }, LazyThreadSafetyMode.None);
            ValidateNode(context, node, nodes, byId, nodeJson, nodePath, visible, inputNames, inLoop, depth);
        }
    }

    private static void ValidateNode(
        Context context, WorkflowNodeDefinition node, IReadOnlyList<WorkflowNodeDefinition> siblings, Dictionary<string, int> byId,
        string nodeJson, string nodePath, Lazy<HashSet<string>> visible, IReadOnlySet<string>? inputNames, bool inLoop, int depth)
    {
        var errors = context.Errors;
        if (!context.Types.TryGetInputs(node.Type, out var specs))
        {
            errors.Add(new()
            {
                NodeId = nodePath,
                JsonPath = $"{nodeJson}.type",
                Message = $"the node type '{node.Type}' is unknown (known: {string.Join(", ", context.Types.Names)}); register a WorkflowNodeHandler for it",
            });
            return;
        }

        foreach (var spec in specs)
        {
            if (spec.Required && (!node.Inputs.TryGetValue(spec.Name, out var v) || v is null))
            {
                errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.{spec.Name}", Message = $"the required input '{spec.Name}' ({spec.Type}) is missing" });
            }
        }

        foreach (var (name, value) in node.Inputs)
        {
            var spec = specs.FirstOrDefault(s => s.Name == name);
            if (spec is { IsExpression: true })
            {
                CheckExpression(context, value is JsonValue ev && ev.GetValueKind() == JsonValueKind.String ? ev.GetValue<string>() : null,
                    $"{nodeJson}.inputs.{name}", nodePath, visible.Value, inputNames, inLoop || node.Type == WorkflowNodeTypes.Loop);
            }
            else
            {
                if (WorkflowTemplate.HasReferences(value))
                {
                    CheckReferences(context, value, $"{nodeJson}.inputs.{name}", nodePath, visible.Value, inputNames, inLoop);
                }

                if (spec is not null && value is not null && !WorkflowTemplate.HasReferences(value) && !WorkflowTemplate.IsOfType(value, spec.Type))
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.{name}", Message = $"the input '{name}' is {WorkflowTemplate.KindOf(value)}, not {spec.Type}" });
                }
            }
        }

        if (node.When is not null)
        {
            CheckExpression(context, node.When, $"{nodeJson}.when", nodePath, visible.Value, inputNames, inLoop);
        }

        if (node.Policy is { } policy)
        {
            if (policy.MaxAttempts < 1)
            {
                errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.policy.maxAttempts", Message = "must be at least 1" });
            }

            if (policy.Timeout is { } t && t <= TimeSpan.Zero)
            {
                errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.policy.timeout", Message = "must be positive" });
            }

            if (policy.BackoffFactor < 1)
            {
                errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.policy.backoffFactor", Message = "must be at least 1" });
            }
        }

        if (node.Type == WorkflowNodeTypes.Dify)
        {
            ValidateDify(context, node, nodeJson, nodePath);
        }

        switch (node.Type)
        {
            case WorkflowNodeTypes.Parallel:
                RequireChildren(context, node, nodeJson, nodePath);
                var mode = GetString(node, "mode") ?? "all";
                if (mode is not ("all" or "any" or "first"))
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.mode", Message = $"mode '{mode}' must be all, any or first" });
                }

                if (mode == "first" && (GetInt(node, "count") is not { } count || count < 1 || count > node.Nodes.Count))
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.count", Message = $"mode 'first' needs a count between 1 and {node.Nodes.Count}" });
                }

                ValidateScope(context, node.Nodes, $"{nodeJson}.nodes", nodePath, visible.Value, inputNames, inLoop, depth + 1);
                break;
            case WorkflowNodeTypes.Loop:
                RequireChildren(context, node, nodeJson, nodePath);
                var hasItems = node.Inputs.ContainsKey("items");
                var hasWhile = node.Inputs.ContainsKey("while");
                if (hasItems == hasWhile)
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs", Message = "a loop needs exactly one of 'items' (a list) or 'while' (a condition)" });
                }

                if (!node.Inputs.ContainsKey("maxIterations"))
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.maxIterations", Message = "a loop needs maxIterations (an integer of at least 1) so it always ends" });
                }
                else if (GetInt(node, "maxIterations") is not >= 1)
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.maxIterations", Message = "maxIterations must be an integer of at least 1" });
                }

                ValidateScope(context, node.Nodes, $"{nodeJson}.nodes", nodePath, visible.Value, inputNames, inLoop: true, depth + 1);
                break;
            case WorkflowNodeTypes.Conditional:
                foreach (var branch in new[] { "then", "else" })
                {
                    if (!node.Inputs.TryGetValue(branch, out var targets) || targets is null)
                    {
                        continue;
                    }

                    if (targets is not JsonArray array || array.Any(t => t is not JsonValue tv || tv.GetValueKind() != JsonValueKind.String))
                    {
                        errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.{branch}", Message = $"'{branch}' must be a list of sibling node ids" });
                        continue;
                    }

                    for (var t = 0; t < array.Count; t++)
                    {
                        var target = array[t]!.GetValue<string>();
                        if (!byId.TryGetValue(target, out var targetIndex) || !siblings[targetIndex].DependsOn.Contains(node.Id))
                        {
                            errors.Add(new()
                            {
                                NodeId = nodePath,
                                JsonPath = $"{nodeJson}.inputs.{branch}[{t}]",
                                Message = $"'{target}' must be a sibling node that depends on '{node.Id}'",
                            });
                        }
                    }
                }

                break;
            case WorkflowNodeTypes.SubWorkflow:
                if (node.Nodes.Count == 0 && GetString(node, "workflow") is null)
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.workflow", Message = "a subworkflow needs 'workflow' (a registered workflow's name) or inline 'nodes'" });
                }

                if (node.Nodes.Count > 0)
                {
                    // An inline sub-workflow sees only its own inputs, like a named one: the keys of a literal 'inputs'
                    // object (unknown, so unchecked, when 'inputs' is one reference).
                    var childInputs = node.Inputs.TryGetValue("inputs", out var given) && given is JsonObject givenObject
                        ? givenObject.Select(p => p.Key).ToHashSet(StringComparer.Ordinal)
                        : given is null ? new HashSet<string>(StringComparer.Ordinal) : null;
                    ValidateScope(context, node.Nodes, $"{nodeJson}.nodes", nodePath, new HashSet<string>(StringComparer.Ordinal), childInputs, inLoop: false, depth + 1);
                }

                break;
            default:
                if (node.Nodes.Count > 0)
                {
                    errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.nodes", Message = $"a '{node.Type}' node has no child nodes; only parallel, loop and subworkflow do" });
                }

                break;
        }
    }

    private static void ValidateDify(Context context, WorkflowNodeDefinition node, string nodeJson, string nodePath)
    {
        // Literal values only: a ${...} reference is checked when it resolves.
        if (GetString(node, "responseMode") is { } mode && !WorkflowTemplate.HasReferences(node.Inputs["responseMode"])
            && mode is not (Nodes.DifyNodeHandler.StreamingMode or Nodes.DifyNodeHandler.BlockingMode))
        {
            context.Errors.Add(new()
            {
                NodeId = nodePath,
                JsonPath = $"{nodeJson}.inputs.responseMode",
                Message = $"responseMode '{mode}' must be {Nodes.DifyNodeHandler.StreamingMode} or {Nodes.DifyNodeHandler.BlockingMode}",
            });
        }

        foreach (var name in new[] { "user", "client", "idempotencyInput" })
        {
            if (GetString(node, name) is { } text && string.IsNullOrWhiteSpace(text))
            {
                context.Errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.inputs.{name}", Message = $"'{name}' must not be empty" });
            }
        }
    }

    private static void RequireChildren(Context context, WorkflowNodeDefinition node, string nodeJson, string nodePath)
    {
        if (node.Nodes.Count == 0)
        {
            context.Errors.Add(new() { NodeId = nodePath, JsonPath = $"{nodeJson}.nodes", Message = $"a '{node.Type}' node needs child nodes" });
        }
    }

    private static void CheckExpression(
        Context context, string? text, string jsonPath, string? nodePath, IReadOnlySet<string> visible, IReadOnlySet<string>? inputNames, bool inLoop)
    {
        if (text is null)
        {
            context.Errors.Add(new() { NodeId = nodePath, JsonPath = jsonPath, Message = "the expression must be a string" });
            return;
        }

        var error = WorkflowExpression.Validate(text, out var parameters);
        if (error is not null)
        {
            context.Errors.Add(new() { NodeId = nodePath, JsonPath = jsonPath, Message = $"the expression '{WorkflowExpression.Truncate(text)}' is rejected: {error}" });
            return;
        }

        foreach (var path in parameters)
        {
            CheckPath(context, path, jsonPath, nodePath, visible, inputNames, inLoop);
        }
    }

    private static void CheckReferences(
        Context context, JsonNode? value, string jsonPath, string? nodePath, IReadOnlySet<string> visible, IReadOnlySet<string>? inputNames, bool inLoop)
    {
        foreach (var (path, error, at) in WorkflowTemplate.FindReferences(value, jsonPath))
        {
            if (error is not null)
            {
                context.Errors.Add(new() { NodeId = nodePath, JsonPath = at, Message = error });
            }
            else
            {
                CheckPath(context, path!, at, nodePath, visible, inputNames, inLoop);
            }
        }
    }

    private static void CheckPath(
        Context context, string path, string jsonPath, string? nodePath, IReadOnlySet<string> visible, IReadOnlySet<string>? inputNames, bool inLoop)
    {
        var segments = path.Split('.');
        string? error = segments[0] switch
        {
            "nodes" when segments.Length < 3 => $"'{path}' must name a node and what to read: nodes.<id>.outputs.<name> or nodes.<id>.status",
            "nodes" when !visible.Contains(segments[1]) =>
                $"'{path}' reads node '{segments[1]}', which is not upstream of this node; add it to dependsOn (upstream: {string.Join(", ", visible.Order(StringComparer.Ordinal))})",
            "nodes" when segments[2] is not ("outputs" or "status" or "error") => $"'{path}': after the node id comes outputs, status or error",
            "inputs" when segments.Length < 2 => $"'{path}' must name an input: inputs.<name>",
            "inputs" when inputNames is not null && !inputNames.Contains(segments[1]) =>
                $"'{path}' names an input the workflow (or inline sub-workflow's 'inputs') does not declare (declared: {string.Join(", ", inputNames)})",
            "loop" when !inLoop => $"'{path}' is only available inside a loop's child nodes",
            "run" when segments.Length != 2 || segments[1] is not ("id" or "workflow") => $"'{path}': use run.id or run.workflow",
            _ => null,
        };
        if (error is not null)
        {
            context.Errors.Add(new() { NodeId = nodePath, JsonPath = jsonPath, Message = error });
        }
    }

    private static void AddUpstream(IReadOnlyList<WorkflowNodeDefinition> nodes, Dictionary<string, int> byId, WorkflowNodeDefinition node, HashSet<string> visible)
    {
        var stack = new Stack<string>(node.DependsOn);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (visible.Add(id) && byId.TryGetValue(id, out var index))
            {
                foreach (var d in nodes[index].DependsOn)
                {
                    stack.Push(d);
                }
            }
        }
    }

    private static List<string>? FindCycle(IReadOnlyList<WorkflowNodeDefinition> nodes, Dictionary<string, int> byId)
    {
        // Iterative three-colour DFS: a 10,000-node chain must not overflow the stack.
        var state = new byte[nodes.Count];
        var parent = new int[nodes.Count];
        for (var root = 0; root < nodes.Count; root++)
        {
            if (state[root] != 0)
            {
                continue;
            }

            var stack = new Stack<(int Node, int Next)>();
            stack.Push((root, 0));
            state[root] = 1;
            parent[root] = -1;
            while (stack.Count > 0)
            {
                var (current, next) = stack.Pop();
                var deps = nodes[current].DependsOn;
                if (next < deps.Count)
                {
                    stack.Push((current, next + 1));
                    if (!byId.TryGetValue(deps[next], out var dep) || dep == current)
                    {
                        continue;
                    }

                    if (state[dep] == 1)
                    {
                        var cycle = new List<string> { nodes[dep].Id };
                        for (var at = current; at != dep && at >= 0; at = parent[at])
                        {
                            cycle.Add(nodes[at].Id);
                        }

                        cycle.Add(nodes[dep].Id);
                        cycle.Reverse();
                        return cycle;
                    }

                    if (state[dep] == 0)
                    {
                        state[dep] = 1;
                        parent[dep] = current;
                        stack.Push((dep, 0));
                    }
                }
                else
                {
                    state[current] = 2;
                }
            }
        }

        return null;
    }

    internal static string? GetString(WorkflowNodeDefinition node, string name) =>
        node.Inputs.TryGetValue(name, out var v) && v is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null;

    internal static int? GetInt(WorkflowNodeDefinition node, string name) =>
        node.Inputs.TryGetValue(name, out var v) && v is JsonValue n && n.GetValueKind() == JsonValueKind.Number && WorkflowTemplate.ToElement(n).TryGetInt32(out var i) ? i : null;

    internal static string Join(string? parent, string id) => parent is null ? id : $"{parent}/{id}";

    private sealed record Context(NodeTypeCatalog Types, List<WorkflowValidationError> Errors);
}
