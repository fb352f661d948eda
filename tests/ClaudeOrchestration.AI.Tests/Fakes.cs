using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.AI.Tests;

internal static class Fakes
{
    public sealed class NullClaudeClient : Client.IClaudeClient
    {
        public Client.IClaudeTaskRegistry Tasks => throw new NotSupportedException();

        public Task<Client.ClaudeRunResult> RunAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<Messages.ClaudeMessage> StreamAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }

    public sealed class NotClaude : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
