using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.AI;

/// <summary>
/// The functions of a conversation's latest request. A warm session's MCP server is built once, but each request may pass new
/// <see cref="AIFunction"/> instances (closures over per-request state) with the same names and schemas: calls go to the latest.
/// </summary>
internal sealed class ToolRouter
{
    private volatile IReadOnlyDictionary<string, AIFunction> _current = new Dictionary<string, AIFunction>(StringComparer.Ordinal);

    public void Update(IReadOnlyList<AIFunction> functions) =>
        _current = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public AIFunction Route(AIFunction declared) => new RoutedFunction(this, declared);

    private sealed class RoutedFunction(ToolRouter router, AIFunction declared) : AIFunction
    {
        public override string Name => declared.Name;

        public override string Description => declared.Description;

        public override System.Text.Json.JsonElement JsonSchema => declared.JsonSchema;

        public override System.Text.Json.JsonElement? ReturnJsonSchema => declared.ReturnJsonSchema;

        public override System.Text.Json.JsonSerializerOptions JsonSerializerOptions => declared.JsonSerializerOptions;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => declared.AdditionalProperties;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            var target = router._current.TryGetValue(Name, out var latest) ? latest : declared;
            return target.InvokeAsync(arguments, cancellationToken);
        }
    }
}
