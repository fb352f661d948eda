using System.Runtime.CompilerServices;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Delegation;
using ClaudeOrchestration.Messages;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Core.Tests.Client;

/// <summary>
/// A host can fake <see cref="IClaudeClient"/> by hand with public types only: <see cref="IClaudeClient.Tasks"/> is an
/// interface, not the client's concrete registry.
/// </summary>
public sealed class HandWrittenFakeClientTests
{
    [Fact]
    public async Task Delegator_OverAHandWrittenFakeClient_RunsAndTheFakeRegistryAnswers()
    {
        var client = new FakeClaudeClient();
        var delegator = new ClaudeTaskDelegator(
            client, new Monitor<ClaudeDelegationOptions>(new()), new Monitor<ClaudeOrchestrationOptions>(new()));

        var result = await delegator.DelegateAsync(
            new DelegationRequest { Id = "doc", TaskType = ClaudeTaskType.Documentation, Description = "write the README" },
            TestContext.Current.CancellationToken);

        Assert.Equal(DelegationStatus.Succeeded, result.Status);
        Assert.Equal("faked", result.Output);
        Assert.Equal(result.TaskId, Assert.Single(client.Tasks.Active).Id);
        Assert.True(client.Tasks.Cancel(result.TaskId!));
    }

    /// <summary>Public types only.</summary>
    private sealed class FakeClaudeClient : IClaudeClient
    {
        private readonly FakeRegistry _tasks = new();

        public IClaudeTaskRegistry Tasks => _tasks;

        public Task<ClaudeRunResult> RunAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default)
        {
            _tasks.Add(options?.TaskId ?? "generated");
            var result = new ResultMessage { Subtype = "success", Result = "faked", SessionId = "s" };
            return Task.FromResult(new ClaudeRunResult { Subtype = "success", IsError = false, Text = "faked", SessionId = "s", Result = result });
        }

        public async IAsyncEnumerable<ClaudeMessage> StreamAsync(string prompt, ClaudeRunOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return (await RunAsync(prompt, options, cancellationToken)).Result;
        }
    }

    private sealed class FakeRegistry : IClaudeTaskRegistry
    {
        private readonly List<ClaudeTaskInfo> _tasks = [];

        public IReadOnlyList<ClaudeTaskInfo> Active => _tasks;

        public void Add(string id) => _tasks.Add(new ClaudeTaskInfo { Id = id, State = ClaudeTaskState.Completed, QueuedAt = DateTimeOffset.UnixEpoch });

        public ClaudeTaskInfo? Find(string taskId) => _tasks.Find(t => t.Id == taskId);

        public bool Cancel(string taskId) => Find(taskId) is not null;
    }

    private sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
