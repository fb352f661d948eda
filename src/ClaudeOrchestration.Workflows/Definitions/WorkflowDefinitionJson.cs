using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using ClaudeOrchestration.Workflows.Nodes;

namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>Reads and writes workflow definitions as JSON (camelCase; durations as <c>hh:mm:ss</c>).</summary>
public static class WorkflowDefinitionJson
{
    /// <summary>Parses and validates a definition.</summary>
    /// <param name="json">The definition's JSON text.</param>
    /// <param name="handlers">Handlers of custom node types the definition may use; built-in types are always known.</param>
    /// <exception cref="WorkflowValidationException">The JSON does not parse or the definition is invalid.</exception>
    public static WorkflowDefinition Parse(string json, IEnumerable<WorkflowNodeHandler>? handlers = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        WorkflowDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize(json, WorkflowJsonContext.Default.WorkflowDefinition);
        }
        catch (JsonException ex)
        {
            throw new WorkflowValidationException("(unparsed)", [new WorkflowValidationError { JsonPath = ex.Path ?? "$", Message = $"the JSON does not parse: {ex.Message}" }]);
        }

        if (definition is null)
        {
            throw new WorkflowValidationException("(unparsed)", [new WorkflowValidationError { JsonPath = "$", Message = "the JSON is null" }]);
        }

        var errors = WorkflowValidator.Validate(definition, new NodeTypeCatalog(handlers));
        return errors.Count > 0 ? throw new WorkflowValidationException(definition.Name, errors) : definition;
    }

    /// <summary>Reads, parses and validates a definition file.</summary>
    public static async Task<WorkflowDefinition> LoadAsync(string path, IEnumerable<WorkflowNodeHandler>? handlers = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, handlers);
    }

    /// <summary>Writes a definition as indented JSON.</summary>
    public static string Serialize(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition, WorkflowJsonContext.Indented.WorkflowDefinition);
    }

    /// <summary>The JSON Schema of a definition document (generated from the definition types).</summary>
    public static JsonNode GetJsonSchema() =>
        WorkflowJsonContext.Default.WorkflowDefinition.GetJsonSchemaAsNode(new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(WorkflowDefinition))]
internal sealed partial class WorkflowJsonContext : JsonSerializerContext
{
    private static WorkflowJsonContext? _indented;

    public static WorkflowJsonContext Indented => _indented ??= new(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
