namespace ClaudeOrchestration.Workflows.Tests.Dify;

/// <summary>Dify responses and stream events as the service API documents them.</summary>
internal static class DifySamples
{
    public const string ApiKey = "app-S3cr3tK3yThatMustNeverLeak";
    public const string RunId = "fa0d3c1e-59b3-4a52-9f4f-5f3bd2a0c001";
    public const string TaskId = "5ad4cb98-f0c7-4085-b384-88c403be6290";
    public const string User = "user-42";

    // One line: an SSE data line cannot hold a line break.
    public const string FinishedData =
        """{"id":"fa0d3c1e-59b3-4a52-9f4f-5f3bd2a0c001","workflow_id":"wf-1","status":"succeeded","outputs":{"answer":"Paris","score":0.9},"error":null,"elapsed_time":1.25,"total_tokens":321,"total_steps":3,"created_at":1705407629,"finished_at":1705407631,"exceptions_count":0,"created_by":{"id":"u","user":"user-42"},"files":[]}""";

    public static string Blocking(string status = "succeeded", string? error = null) => BlockingJson(status, error is null ? "null" : $"\"{error}\"");

    private static string BlockingJson(string status, string errorJson) => $$"""
        {"task_id":"{{TaskId}}","workflow_run_id":"{{RunId}}",
         "data":{"id":"{{RunId}}","workflow_id":"wf-1","status":"{{status}}","outputs":{"answer":"Paris"},"error":{{errorJson}},
                 "elapsed_time":1.25,"total_tokens":321,"total_steps":3,"created_at":1705407629,"finished_at":1705407631} }
        """;

    public static string Event(string name, string data) =>
        $$"""{"event":"{{name}}","task_id":"{{TaskId}}","workflow_run_id":"{{RunId}}","data":{{data}}}""";

    public static readonly string WorkflowStarted = Event("workflow_started",
        $$"""{"id":"{{RunId}}","workflow_id":"wf-1","inputs":{"city":"France"},"created_at":1705407629,"reason":"initial"}""");

    public static readonly string NodeStarted = Event("node_started",
        """{"id":"ne-1","node_id":"llm","node_type":"llm","title":"LLM","index":1,"predecessor_node_id":"start","inputs":null,"created_at":1705407629,"extras":{},"iteration_id":null,"loop_id":null}""");

    public static readonly string NodeRetry = Event("node_retry",
        """{"id":"ne-1","node_id":"llm","node_type":"llm","title":"LLM","index":1,"status":"retry","error":"rate limited","elapsed_time":0.5,"created_at":1705407629,"finished_at":1705407630,"retry_index":0}""");

    public static readonly string NodeFinished = Event("node_finished",
        """{"id":"ne-1","node_id":"llm","node_type":"llm","title":"LLM","index":1,"inputs":{},"process_data":{},"outputs":{"text":"Paris"},"status":"succeeded","error":null,"elapsed_time":0.8,"execution_metadata":{"total_tokens":321},"created_at":1705407629,"finished_at":1705407630,"files":[]}""");

    public static readonly string IterationStarted = Event("iteration_started",
        """{"id":"it-1","node_id":"iter","node_type":"iteration","title":"Each","created_at":1705407629,"extras":{},"metadata":{},"inputs":{"items":[1,2]}}""");

    public static readonly string IterationNext = Event("iteration_next",
        """{"id":"it-1","node_id":"iter","node_type":"iteration","title":"Each","index":1,"created_at":1705407629,"extras":{}}""");

    public static readonly string IterationCompleted = Event("iteration_completed",
        """{"id":"it-1","node_id":"iter","node_type":"iteration","title":"Each","outputs":{"output":[1,2]},"status":"succeeded","elapsed_time":0.2,"total_tokens":0,"steps":2,"created_at":1705407629,"finished_at":1705407630}""");

    public static readonly string LoopStarted = Event("loop_started",
        """{"id":"lp-1","node_id":"loop","node_type":"loop","title":"Until","created_at":1705407629,"inputs":{}}""");

    public static readonly string LoopNext = Event("loop_next",
        """{"id":"lp-1","node_id":"loop","node_type":"loop","title":"Until","index":0,"created_at":1705407629,"pre_loop_output":null}""");

    public static readonly string LoopCompleted = Event("loop_completed",
        """{"id":"lp-1","node_id":"loop","node_type":"loop","title":"Until","outputs":{},"status":"succeeded","steps":1,"created_at":1705407629,"finished_at":1705407630}""");

    public static readonly string ReasoningChunk = Event("reasoning_chunk", """{"reasoning":"The capital...","node_id":"llm","is_final":false}""");

    public static string TextChunk(string text) => Event("text_chunk", $$"""{"text":"{{text}}","from_variable_selector":["llm","text"]}""");

    public static readonly string AgentLog = Event("agent_log",
        """{"node_execution_id":"ne-2","id":"log-1","label":"ROUND 1","parent_id":null,"error":null,"status":"success","data":{"k":1},"metadata":{},"node_id":"agent"}""");

    public static readonly string HumanInputRequired = Event("human_input_required",
        """{"form_id":"f-1","node_id":"review","node_title":"Review","form_content":"Approve?","inputs":[],"actions":[{"id":"approve","title":"Approve"}],"form_token":"tok-1","expiration_time":1705411229}""");

    public static readonly string HumanInputFormFilled = Event("human_input_form_filled",
        """{"node_id":"review","node_title":"Review","rendered_content":"Approved","action_id":"approve","action_text":"Approve","submitted_data":{"note":"ok"}}""");

    public static readonly string HumanInputFormTimeout = Event("human_input_form_timeout",
        """{"node_id":"review","node_title":"Review","expiration_time":1705411229}""");

    public static readonly string TtsMessage = $$"""{"event":"tts_message","task_id":"{{TaskId}}","workflow_run_id":"{{RunId}}","audio":"SUQz","created_at":1705407630}""";

    public static readonly string TtsMessageEnd = $$"""{"event":"tts_message_end","task_id":"{{TaskId}}","workflow_run_id":"{{RunId}}","audio":""}""";

    public static readonly string Unknown = Event("brand_new_event", """{"x":1}""");

    public static readonly string WorkflowFinished = Event("workflow_finished", FinishedData);

    public static readonly string WorkflowPaused = Event("workflow_paused",
        $$"""{"workflow_run_id":"{{RunId}}","paused_nodes":["review"],"outputs":{},"reasons":[{"type":"human_input"}],"status":"paused","created_at":1705407629,"elapsed_time":0.3,"total_tokens":5,"total_steps":2}""");

    public static string RunDetail(string status = "succeeded") => $$"""
        {"id":"{{RunId}}","workflow_id":"wf-1","status":"{{status}}","inputs":"{\"city\": \"France\", \"n\": 2}",
         "outputs":{"answer":"Paris"},"error":null,"total_steps":3,"total_tokens":321,"created_at":1705407629,"finished_at":1705407631,"elapsed_time":1.25}
        """;
}
