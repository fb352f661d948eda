using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ClaudeOrchestration.AI;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Benchmarks.Sessions;

/// <summary>
/// One warm-session turn through <see cref="ClaudeCodeChatClient"/> (<see cref="IChatClient.GetResponseAsync"/> with the
/// conversation id: pool lease, request mapping, response mapping) next to the same turn on a <see cref="ClaudeSession"/>
/// directly, against the real claude CLI and the <see cref="ScriptedMessagesServer"/>. Both sessions run with partial messages
/// on, as the chat client's sessions always do, so the difference is the adapter.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 50, invocationCount: 1)]
[MinColumn]
[MaxColumn]
[MedianColumn]
public class ChatClientTurnBenchmarks
{
    private const string Prompt = "benchmark turn";

    private ScriptedMessagesServer _server = null!;
    private string _directory = null!;
    private ClaudeOrchestrationOptions _options = null!;
    private ClaudeSession _session = null!;
    private ClaudeSessionPool _pool = null!;
    private ClaudeCodeChatClient _chat = null!;
    private ChatOptions _chatOptions = null!;
    private ChatMessage[] _messages = null!;

    [GlobalSetup(Target = nameof(Session))]
    public void SetupSession()
    {
        SetupServer();
        _session = ClaudeSessionFactory.Create(_options)
            .StartAsync(new ClaudeSessionOptions { RunOptions = new ClaudeRunOptions { IncludePartialMessages = true } })
            .GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(ChatClient))]
    public void SetupChatClient()
    {
        SetupServer();
        _pool = new ClaudeSessionPool(ClaudeSessionFactory.Create(_options), Microsoft.Extensions.Options.Options.Create(new ClaudeSessionPoolOptions()));
        _chat = new ClaudeCodeChatClient(new ClaudeCodeChatClientOptions(), _pool);
        var first = _chat.GetResponseAsync(Prompt).GetAwaiter().GetResult();
        _chatOptions = new ChatOptions { ConversationId = first.ConversationId };
        _messages = [new ChatMessage(ChatRole.User, Prompt)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _chat?.Dispose();
        _pool?.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A turn on a warm session, every message parsed (the baseline).</summary>
    [Benchmark(Baseline = true, Description = "ClaudeSession turn (warm, partial messages)")]
    public async Task<int> Session()
    {
        var messages = 0;
        await foreach (var _ in _session.SendAsync(Prompt))
        {
            messages++;
        }

        return messages;
    }

    /// <summary>The same turn through the chat client on its pooled session.</summary>
    [Benchmark(Description = "ClaudeCodeChatClient.GetResponseAsync (warm)")]
    public async Task<int> ChatClient()
    {
        var response = await _chat.GetResponseAsync(_messages, _chatOptions);
        return response.Messages.Count;
    }

    private void SetupServer()
    {
        _server = ScriptedMessagesServer.StartAsync().GetAwaiter().GetResult();
        _directory = Directory.CreateTempSubdirectory("claude-chat-bench-").FullName;
        var config = Directory.CreateDirectory(Path.Combine(_directory, "config")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(_directory, "work")).FullName;
        _options = new ClaudeOrchestrationOptions { CliPath = LocateCli(), DefaultWorkingDirectory = work };
        foreach (var (name, value) in _server.CreateCliEnvironment(config))
        {
            _options.EnvironmentVariables[name] = value;
        }
    }

    private static string LocateCli([CallerFilePath] string sourceFile = "")
    {
        if (Environment.GetEnvironmentVariable("CLAUDE_ORCHESTRATION_TEST_CLI") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests/node/node_modules/@anthropic-ai/claude-code/bin/claude.exe");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("The claude CLI for the benchmark was not found: set CLAUDE_ORCHESTRATION_TEST_CLI or run scripts/test.sh.");
    }
}
