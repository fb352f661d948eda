using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Core.Tests.Diagnostics;

/// <summary>A hand-written logger provider that keeps every entry (all levels enabled) for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Everything an entry exposes to a sink: level, rendered message and the exception (with its message chain).</summary>
    internal sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception)
    {
        public string Everything => Message + "\n" + Exception?.ToString();
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
