using System.Net;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>
/// A Chroma server could not be reached, timed out or answered an error. The message names the server, the operation and
/// (when there is one) the collection; <see cref="StatusCode"/> and <see cref="ErrorKind"/> carry the server's answer.
/// </summary>
public sealed class ChromaException : VectorStoreException
{
    /// <summary>Creates an exception with a message.</summary>
    public ChromaException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ChromaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChromaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the HTTP status the server answered, or <see langword="null"/> when there was no answer (unreachable, timed out).</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Gets Chroma's error kind (<c>InvalidArgumentError</c>, <c>NotFoundError</c>, <c>ChromaError</c>, ...), when the server sent one.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>Gets the server's base address.</summary>
    public Uri? Endpoint { get; init; }
}
