namespace ClaudeOrchestration.Testing;

/// <summary>Which part of the script answered a <see cref="RecordedRequest"/>.</summary>
public enum ReplySource
{
    /// <summary>Not decided yet. This is what a <c>When</c> rule sees while it matches.</summary>
    None = 0,

    /// <summary>A rule registered with <c>When</c>. A rule that throws is answered with a 500 and also reported here.</summary>
    Rule,

    /// <summary>The next reply from the FIFO queue filled by <see cref="ScriptedMessagesServer.Enqueue"/>.</summary>
    Queue,

    /// <summary>
    /// The reply of an earlier attempt of the same turn, sent again. After a deterministic error (a 4xx other than 408, 409 and 429)
    /// the CLI re-sends the turn, e.g. with fewer beta features; like the real API, the server keeps failing that turn.
    /// </summary>
    Retry,

    /// <summary>The built-in default: a final answer quoting tool results, or an echo of the prompt.</summary>
    Default,

    /// <summary>The harmless reply to a side call (see <see cref="RecordedRequest.IsSideCall"/>).</summary>
    SideCall,

    /// <summary>A fixed endpoint: <c>count_tokens</c>, the health check, an unknown route (404) or an unreadable body (400).</summary>
    BuiltIn,

    /// <summary>Refused with 401 because the key did not match <see cref="ScriptedMessagesServerOptions.RequiredApiKey"/>.</summary>
    Unauthorized,
}
