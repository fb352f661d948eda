using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>Source-generated JSON for persisted sessions.</summary>
[JsonSerializable(typeof(ContextSession))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
