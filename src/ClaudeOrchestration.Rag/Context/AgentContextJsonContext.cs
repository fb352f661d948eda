using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>Source-generated JSON for persisted contexts.</summary>
[JsonSerializable(typeof(AgentContext))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class AgentContextJsonContext : JsonSerializerContext;
