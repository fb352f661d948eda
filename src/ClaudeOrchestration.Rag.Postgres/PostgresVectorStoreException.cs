using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Postgres;

/// <summary>
/// PostgreSQL could not be reached, timed out or failed a statement. The message names the server (host and port, never
/// the password), the operation and the collection; <see cref="SqlState"/> carries PostgreSQL's error code when there is one.
/// </summary>
public sealed class PostgresVectorStoreException : VectorStoreException
{
    /// <summary>Creates an exception.</summary>
    public PostgresVectorStoreException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PostgresVectorStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PostgresVectorStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets PostgreSQL's SQLSTATE (for example <c>42P01</c>, undefined table), or <see langword="null"/> when the server did not answer.</summary>
    public string? SqlState { get; init; }

    /// <summary>Gets the server as <c>host:port/database</c>.</summary>
    public string? Server { get; init; }
}
