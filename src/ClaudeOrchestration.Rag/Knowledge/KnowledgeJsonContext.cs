using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Rag.Knowledge;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class KnowledgeJsonContext : JsonSerializerContext;
