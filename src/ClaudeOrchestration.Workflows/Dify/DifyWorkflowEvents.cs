using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>
/// One server-sent event of a streaming workflow run. Match on the derived types; an event this version does not know arrives as
/// <see cref="DifyUnknownEvent"/> with its JSON, never as an exception. <c>ping</c> keep-alives are not surfaced, and a terminal
/// <c>error</c> event is thrown as <see cref="DifyApiException"/>.
/// </summary>
public abstract class DifyWorkflowEvent
{
    /// <summary>The wire name, e.g. <c>node_started</c>.</summary>
    [JsonPropertyName("event")]
    public string Event { get; init; } = "";

    /// <summary>The task id (for the stop endpoint); present on every event but <c>error</c>.</summary>
    public string? TaskId { get; init; }

    /// <summary>The run's persistent id.</summary>
    public string? WorkflowRunId { get; init; }

    /// <summary>The whole event as received.</summary>
    [JsonIgnore]
    public JsonElement Raw { get; internal set; }
}

/// <summary>An event type this version of the client does not model; <see cref="DifyWorkflowEvent.Raw"/> holds it.</summary>
public sealed class DifyUnknownEvent : DifyWorkflowEvent;

/// <summary><c>workflow_started</c>: the run exists; save <see cref="DifyWorkflowEvent.WorkflowRunId"/> to resume or inspect it.</summary>
public sealed class DifyWorkflowStartedEvent : DifyWorkflowEvent
{
    /// <summary>The run's details.</summary>
    public DifyWorkflowStartedData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>workflow_started</c>.</summary>
public sealed class DifyWorkflowStartedData
{
    /// <summary>The workflow run id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The workflow (version) id.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The run's inputs.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Inputs { get; init; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary><c>initial</c> for a first start, <c>resumption</c> after a pause.</summary>
    public string? Reason { get; init; }
}

/// <summary><c>node_started</c>: a node began executing.</summary>
public sealed class DifyNodeStartedEvent : DifyWorkflowEvent
{
    /// <summary>The node execution.</summary>
    public DifyNodeExecutionData Data { get; init; } = new();
}

/// <summary><c>node_finished</c>: a node ended; <see cref="DifyNodeExecutionData.Status"/> is <c>failed</c> or <c>exception</c> when it failed.</summary>
public sealed class DifyNodeFinishedEvent : DifyWorkflowEvent
{
    /// <summary>The node execution, with outputs, status and error.</summary>
    public DifyNodeExecutionData Data { get; init; } = new();
}

/// <summary><c>node_retry</c>: a node failed and will be retried (<see cref="DifyNodeExecutionData.RetryIndex"/>).</summary>
public sealed class DifyNodeRetryEvent : DifyWorkflowEvent
{
    /// <summary>The failed attempt.</summary>
    public DifyNodeExecutionData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>node_started</c>, <c>node_finished</c> and <c>node_retry</c>.</summary>
public sealed class DifyNodeExecutionData
{
    /// <summary>The node execution id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The node's id in the graph.</summary>
    public string NodeId { get; init; } = "";

    /// <summary>The node type, e.g. <c>llm</c>, <c>code</c>, <c>knowledge-retrieval</c>.</summary>
    public string? NodeType { get; init; }

    /// <summary>The node's title.</summary>
    public string? Title { get; init; }

    /// <summary>The execution index.</summary>
    public int Index { get; init; }

    /// <summary>The node that ran before it.</summary>
    public string? PredecessorNodeId { get; init; }

    /// <summary>The node's inputs, or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Inputs { get; init; }

    /// <summary>The node's processing data (finished and retry only).</summary>
    public IReadOnlyDictionary<string, JsonElement>? ProcessData { get; init; }

    /// <summary>The node's outputs (finished and retry only).</summary>
    public IReadOnlyDictionary<string, JsonElement>? Outputs { get; init; }

    /// <summary><c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>exception</c> (finished and retry only).</summary>
    public string? Status { get; init; }

    /// <summary>The node's error message.</summary>
    public string? Error { get; init; }

    /// <summary>Seconds the node took.</summary>
    public double? ElapsedTime { get; init; }

    /// <summary>Token usage, price and other metadata, as sent.</summary>
    public JsonElement? ExecutionMetadata { get; init; }

    /// <summary>When the node started.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the node finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The iteration this node runs in, if any.</summary>
    public string? IterationId { get; init; }

    /// <summary>The loop this node runs in, if any.</summary>
    public string? LoopId { get; init; }

    /// <summary>The zero-based retry attempt (<c>node_retry</c> only).</summary>
    public int? RetryIndex { get; init; }
}

/// <summary><c>iteration_started</c>: an iteration node began.</summary>
public sealed class DifyIterationStartedEvent : DifyWorkflowEvent
{
    /// <summary>The iteration node.</summary>
    public DifyContainerNodeData Data { get; init; } = new();
}

/// <summary><c>iteration_next</c>: an iteration node moved to its next item.</summary>
public sealed class DifyIterationNextEvent : DifyWorkflowEvent
{
    /// <summary>The iteration node and <see cref="DifyContainerNodeData.Index"/>.</summary>
    public DifyContainerNodeData Data { get; init; } = new();
}

/// <summary><c>iteration_completed</c>: an iteration node ended.</summary>
public sealed class DifyIterationCompletedEvent : DifyWorkflowEvent
{
    /// <summary>The iteration node with outputs and status.</summary>
    public DifyContainerNodeData Data { get; init; } = new();
}

/// <summary><c>loop_started</c>: a loop node began.</summary>
public sealed class DifyLoopStartedEvent : DifyWorkflowEvent
{
    /// <summary>The loop node.</summary>
    public DifyContainerNodeData Data { get; init; } = new();
}

/// <summary><c>loop_next</c>: a loop node started its next round.</summary>
public sealed class DifyLoopNextEvent : DifyWorkflowEvent
{
    /// <summary>The loop node and <see cref="DifyContainerNodeData.Index"/>.</summary>
    public DifyContainerNodeData Data { get; init; } = new();
}

/// <summary><c>loop_completed</c>: a loop node ended.</summary>
public sealed class DifyLoopCompletedEvent : DifyWorkflowEvent
{
    /// <summary>The loop node with outputs and status.</summary>
    public DifyContainerNodeData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of the iteration and loop events.</summary>
public sealed class DifyContainerNodeData
{
    /// <summary>The node execution id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The node's id in the graph.</summary>
    public string NodeId { get; init; } = "";

    /// <summary>The node type (<c>iteration</c> or <c>loop</c>).</summary>
    public string? NodeType { get; init; }

    /// <summary>The node's title.</summary>
    public string? Title { get; init; }

    /// <summary>The zero-based round (<c>*_next</c> only).</summary>
    public int? Index { get; init; }

    /// <summary>The node's inputs.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Inputs { get; init; }

    /// <summary>The node's outputs (<c>*_completed</c> only).</summary>
    public IReadOnlyDictionary<string, JsonElement>? Outputs { get; init; }

    /// <summary>The completion status (<c>*_completed</c> only).</summary>
    public string? Status { get; init; }

    /// <summary>The error message, if it failed.</summary>
    public string? Error { get; init; }

    /// <summary>Seconds it took (<c>*_completed</c> only).</summary>
    public double? ElapsedTime { get; init; }

    /// <summary>Tokens used (<c>*_completed</c> only).</summary>
    public long? TotalTokens { get; init; }

    /// <summary>Rounds completed (<c>*_completed</c> only).</summary>
    public int? Steps { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary><c>text_chunk</c>: a piece of streamed text output; concatenate them in order.</summary>
public sealed class DifyTextChunkEvent : DifyWorkflowEvent
{
    /// <summary>The chunk.</summary>
    public DifyTextChunkData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>text_chunk</c>.</summary>
public sealed class DifyTextChunkData
{
    /// <summary>The text.</summary>
    public string Text { get; init; } = "";

    /// <summary>The variable path the text belongs to, e.g. <c>["answer", "text"]</c>.</summary>
    public IReadOnlyList<string>? FromVariableSelector { get; init; }
}

/// <summary><c>reasoning_chunk</c>: a piece of an LLM node's separated reasoning, parallel to the text chunks.</summary>
public sealed class DifyReasoningChunkEvent : DifyWorkflowEvent
{
    /// <summary>The chunk.</summary>
    public DifyReasoningChunkData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>reasoning_chunk</c>.</summary>
public sealed class DifyReasoningChunkData
{
    /// <summary>The reasoning delta (may be empty on the final chunk).</summary>
    public string Reasoning { get; init; } = "";

    /// <summary>The LLM node producing it.</summary>
    public string? NodeId { get; init; }

    /// <summary>Whether the node's reasoning phase ended.</summary>
    public bool IsFinal { get; init; }
}

/// <summary><c>workflow_finished</c>: the run ended; check <see cref="DifyWorkflowFinishedData.Status"/> (a failed run still ends this way).</summary>
public sealed class DifyWorkflowFinishedEvent : DifyWorkflowEvent
{
    /// <summary>The run's final state.</summary>
    public DifyWorkflowFinishedData Data { get; init; } = new();
}

/// <summary><c>workflow_paused</c>: the run waits (e.g. for human input); the stream ends, follow it later through the events endpoint.</summary>
public sealed class DifyWorkflowPausedEvent : DifyWorkflowEvent
{
    /// <summary>The pause.</summary>
    public DifyWorkflowPausedData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>workflow_paused</c>.</summary>
public sealed class DifyWorkflowPausedData
{
    /// <summary>The nodes that paused.</summary>
    public IReadOnlyList<string>? PausedNodes { get; init; }

    /// <summary>Outputs so far.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Outputs { get; init; }

    /// <summary>Why it paused, as sent.</summary>
    public IReadOnlyList<JsonElement>? Reasons { get; init; }

    /// <summary>The status (<c>paused</c>).</summary>
    public string? Status { get; init; }

    /// <summary>Seconds elapsed.</summary>
    public double? ElapsedTime { get; init; }

    /// <summary>Tokens used so far.</summary>
    public long? TotalTokens { get; init; }

    /// <summary>Steps executed so far.</summary>
    public int? TotalSteps { get; init; }

    /// <summary>When the run was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary><c>human_input_required</c>: a Human Input node waits for a form; submit it with <see cref="DifyHumanInputRequiredData.FormToken"/>.</summary>
public sealed class DifyHumanInputRequiredEvent : DifyWorkflowEvent
{
    /// <summary>The form.</summary>
    public DifyHumanInputRequiredData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>human_input_required</c>.</summary>
public sealed class DifyHumanInputRequiredData
{
    /// <summary>The form instance id (for logs; use <see cref="FormToken"/> with the API).</summary>
    public string? FormId { get; init; }

    /// <summary>The Human Input node.</summary>
    public string? NodeId { get; init; }

    /// <summary>The node's title.</summary>
    public string? NodeTitle { get; init; }

    /// <summary>The rendered form body.</summary>
    public string? FormContent { get; init; }

    /// <summary>The form's input controls, as sent.</summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>The actions the user may choose, as sent.</summary>
    public JsonElement? Actions { get; init; }

    /// <summary>The token for <c>/form/human_input/{form_token}</c>.</summary>
    public string? FormToken { get; init; }

    /// <summary>When the form expires.</summary>
    public DateTimeOffset? ExpirationTime { get; init; }
}

/// <summary><c>human_input_form_filled</c>: a form was submitted and the run continues.</summary>
public sealed class DifyHumanInputFormFilledEvent : DifyWorkflowEvent
{
    /// <summary>The submission.</summary>
    public DifyHumanInputFormFilledData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>human_input_form_filled</c>.</summary>
public sealed class DifyHumanInputFormFilledData
{
    /// <summary>The Human Input node.</summary>
    public string? NodeId { get; init; }

    /// <summary>The node's title.</summary>
    public string? NodeTitle { get; init; }

    /// <summary>The form rendered with the submitted values.</summary>
    public string? RenderedContent { get; init; }

    /// <summary>The chosen action's id.</summary>
    public string? ActionId { get; init; }

    /// <summary>The chosen action's text.</summary>
    public string? ActionText { get; init; }

    /// <summary>The submitted values by output variable name.</summary>
    public IReadOnlyDictionary<string, JsonElement>? SubmittedData { get; init; }
}

/// <summary><c>human_input_form_timeout</c>: a form expired unanswered.</summary>
public sealed class DifyHumanInputFormTimeoutEvent : DifyWorkflowEvent
{
    /// <summary>The expired form.</summary>
    public DifyHumanInputFormTimeoutData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>human_input_form_timeout</c>.</summary>
public sealed class DifyHumanInputFormTimeoutData
{
    /// <summary>The Human Input node.</summary>
    public string? NodeId { get; init; }

    /// <summary>The node's title.</summary>
    public string? NodeTitle { get; init; }

    /// <summary>When it expired.</summary>
    public DateTimeOffset? ExpirationTime { get; init; }
}

/// <summary><c>agent_log</c>: a step of an Agent node.</summary>
public sealed class DifyAgentLogEvent : DifyWorkflowEvent
{
    /// <summary>The step.</summary>
    public DifyAgentLogData Data { get; init; } = new();
}

/// <summary>The <c>data</c> of <c>agent_log</c>.</summary>
public sealed class DifyAgentLogData
{
    /// <summary>The log entry id.</summary>
    public string? Id { get; init; }

    /// <summary>The Agent node's execution id.</summary>
    public string? NodeExecutionId { get; init; }

    /// <summary>The Agent node.</summary>
    public string? NodeId { get; init; }

    /// <summary>The entry's label.</summary>
    public string? Label { get; init; }

    /// <summary>The parent entry.</summary>
    public string? ParentId { get; init; }

    /// <summary>The step's status.</summary>
    public string? Status { get; init; }

    /// <summary>The step's error.</summary>
    public string? Error { get; init; }

    /// <summary>The step's data, as sent.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>The step's metadata, as sent.</summary>
    public JsonElement? Metadata { get; init; }
}

/// <summary><c>tts_message</c>: a base64 MP3 chunk of text-to-speech audio; concatenate the decoded chunks.</summary>
public sealed class DifyTtsMessageEvent : DifyWorkflowEvent
{
    /// <summary>The base64 audio chunk.</summary>
    public string Audio { get; init; } = "";
}

/// <summary><c>tts_message_end</c>: the audio stream ended.</summary>
public sealed class DifyTtsMessageEndEvent : DifyWorkflowEvent
{
    /// <summary>Empty.</summary>
    public string Audio { get; init; } = "";
}
