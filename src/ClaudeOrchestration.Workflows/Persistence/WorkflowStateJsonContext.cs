using System.Text.Json.Serialization;
using ClaudeOrchestration.Workflows.Execution;

namespace ClaudeOrchestration.Workflows.Persistence;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkflowRunRecord))]
[JsonSerializable(typeof(WorkflowNodeRecord))]
[JsonSerializable(typeof(WorkflowApprovalRecord))]
internal sealed partial class WorkflowStateJsonContext : JsonSerializerContext;
