using System.Buffers;
using ClaudeOrchestration.Transport;

namespace ClaudeOrchestration.Sessions;

/// <summary>
/// The byte-level pipe a <see cref="ClaudeSession"/> talks through: NDJSON lines in and out plus the process around them.
/// The real one wraps a <see cref="ClaudeProcess"/>; unit tests use a hand-written fake.
/// </summary>
internal interface ISessionTransport : IAsyncDisposable
{
    /// <summary>The CLI's process id.</summary>
    int ProcessId { get; }

    /// <summary>Completes with the exit code when the process exits.</summary>
    Task<int> Exited { get; }

    /// <summary>Completes when stderr has been read to its end (so <see cref="StderrTail"/> is complete).</summary>
    Task StderrDrained { get; }

    /// <summary>The next stdout line (valid until the next call), or <see langword="null"/> at end of stream.</summary>
    ValueTask<ReadOnlySequence<byte>?> ReadLineAsync(CancellationToken cancellationToken);

    /// <summary>Writes one line (the terminator is added); concurrent writes are serialised.</summary>
    Task WriteLineAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken);

    /// <summary>Closes stdin: an idle CLI then exits by itself.</summary>
    ValueTask CloseInputAsync();

    /// <summary>Stops the process tree now (SIGTERM to the group, then SIGKILL after the grace period).</summary>
    Task TerminateAsync();

    /// <summary>The last stderr lines, oldest first.</summary>
    IReadOnlyList<string> StderrTail();
}

/// <summary>The real transport: a <see cref="ClaudeProcess"/>.</summary>
internal sealed class ProcessSessionTransport(ClaudeProcess process) : ISessionTransport
{
    public int ProcessId => process.ProcessId;

    public Task<int> Exited => process.Exited;

    public Task StderrDrained => process.StderrDrained;

    public ValueTask<ReadOnlySequence<byte>?> ReadLineAsync(CancellationToken cancellationToken) => process.Output.ReadLineAsync(cancellationToken);

    public Task WriteLineAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken) => process.WriteLineAsync(utf8Json, cancellationToken);

    public ValueTask CloseInputAsync() => process.CloseStdinAsync();

    public Task TerminateAsync() => process.TerminateAsync();

    public IReadOnlyList<string> StderrTail() => process.StderrTail();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
