namespace ClaudeOrchestration.Rag.Context;

/// <summary>A context id was used that the context store does not hold (never created, deleted or expired).</summary>
public sealed class AgentContextNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public AgentContextNotFoundException()
        : base("The context does not exist.")
    {
        ContextId = string.Empty;
    }

    /// <summary>Creates the exception for a context id.</summary>
    public AgentContextNotFoundException(string contextId)
        : base($"Context '{contextId}' does not exist: it was never created, was deleted, or expired after being idle. Create it with CreateContextAsync.")
    {
        ContextId = contextId;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public AgentContextNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        ContextId = string.Empty;
    }

    /// <summary>The id that was not found.</summary>
    public string ContextId { get; }
}
