using System.Net;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>A Qdrant server could not be reached, timed out or answered an error; the message names the server, the operation and the collection.</summary>
public sealed class QdrantException : VectorStoreException
{
    /// <summary>Creates an exception.</summary>
    public QdrantException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public QdrantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public QdrantException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the HTTP status the server answered, or <see langword="null"/> when there was no answer.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Gets the server's base address.</summary>
    public Uri? Endpoint { get; init; }
}
