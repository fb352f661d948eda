using ClaudeOrchestration.Client;
using ClaudeOrchestration.Messages;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Core.Tests.Client;

/// <summary>The client takes an <see cref="IOptionsMonitor{TOptions}"/>: a reloaded process limit applies without a restart.</summary>
public sealed class ClaudeClientOptionsChangeTests
{
    private const string InitThenWait = "echo '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}'\nsleep 300";

    [Fact]
    public async Task MaxConcurrentProcesses_RaisedWhileATaskWaits_StartsTheWaitingTask()
    {
        using var cli = FakeCli.Create(InitThenWait);
        var monitor = new ChangingMonitor(new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory, MaxConcurrentProcesses = 1 });
        var client = new ClaudeClient(monitor);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var a = client.StreamAsync("a", new ClaudeRunOptions { TaskId = "a" }, cts.Token).GetAsyncEnumerator(cts.Token);
        var b = client.StreamAsync("b", new ClaudeRunOptions { TaskId = "b" }, cts.Token).GetAsyncEnumerator(cts.Token);
        try
        {
            Assert.True(await a.MoveNextAsync());
            var bFirst = b.MoveNextAsync().AsTask();
            Assert.Equal(ClaudeTaskState.Queued, client.Tasks.Find("b")?.State);

            monitor.Set(new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory, MaxConcurrentProcesses = 2 });

            Assert.True(await bFirst);
            Assert.IsType<SystemInitMessage>(b.Current);
            Assert.Equal(ClaudeTaskState.Running, client.Tasks.Find("a")?.State);
        }
        finally
        {
            await cts.CancelAsync();
            await a.DisposeAsync();
            await b.DisposeAsync();
        }

        Assert.Empty(client.Tasks.Active);
    }

    /// <summary>A hand-written options monitor whose value the test changes.</summary>
    internal sealed class ChangingMonitor(ClaudeOrchestrationOptions initial) : IOptionsMonitor<ClaudeOrchestrationOptions>
    {
        private readonly List<Action<ClaudeOrchestrationOptions, string?>> _listeners = [];

        public ClaudeOrchestrationOptions CurrentValue { get; private set; } = initial;

        public ClaudeOrchestrationOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<ClaudeOrchestrationOptions, string?> listener)
        {
            _listeners.Add(listener);
            return null;
        }

        public void Set(ClaudeOrchestrationOptions value)
        {
            CurrentValue = value;
            foreach (var listener in _listeners)
            {
                listener(value, Options.DefaultName);
            }
        }
    }
}
