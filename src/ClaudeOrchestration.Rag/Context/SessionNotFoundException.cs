namespace ClaudeOrchestration.Rag.Context;

/// <summary>A session id was used that the session store does not hold (never created, deleted or expired).</summary>
public sealed class SessionNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public SessionNotFoundException()
        : base("The session does not exist.")
    {
        SessionId = string.Empty;
    }

    /// <summary>Creates the exception for a session id.</summary>
    public SessionNotFoundException(string sessionId)
        : base($"Session '{sessionId}' does not exist: it was never created, was deleted, or expired after being idle. Create it with CreateSessionAsync.")
    {
        SessionId = sessionId;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SessionNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        SessionId = string.Empty;
    }

    /// <summary>The id that was not found.</summary>
    public string SessionId { get; }
}
