using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.AI.Tests;

public sealed class AddClaudeCodeChatClientTests
{
    [Fact]
    public async Task AddClaudeCodeChatClient_ResolvesTheMiddlewareStackOverClaudeCodeAndAnswers()
    {
        await using var env = await OfflineChat.StartAsync();
        env.Server.Enqueue(ScriptedReply.Text("Hello through DI."));
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddClaudeOrchestration(o =>
        {
            o.CliPath = env.Options.CliPath;
            o.DefaultWorkingDirectory = env.Options.DefaultWorkingDirectory;
            foreach (var (name, value) in env.Options.EnvironmentVariables)
            {
                o.EnvironmentVariables[name] = value;
            }
        });
        var chatBuilder = builder.AddClaudeCodeChatClient(o => o.DefaultModelId = "claude-sonnet-4-5").UseLogging();
        builder.AddKeyedClaudeCodeChatClient("one-shot", o => o.Mode = ClaudeCodeChatMode.OneShot);

        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }))
        {
            var chat = provider.GetRequiredService<IChatClient>();
            Assert.Same(chat, provider.GetRequiredService<IChatClient>());
            Assert.IsType<LoggingChatClient>(chat);
            var inner = chat.GetService<ClaudeCodeChatClient>();
            Assert.NotNull(inner);
            Assert.Same(provider.GetRequiredService<ClaudeSessionPool>(), chat.GetService<ClaudeSessionPool>());
            Assert.Equal("claude-code", chat.GetService<ChatClientMetadata>()?.ProviderName);
            Assert.Equal("claude-sonnet-4-5", chat.GetService<ChatClientMetadata>()?.DefaultModelId);

            var keyed = provider.GetRequiredKeyedService<IChatClient>("one-shot");
            Assert.NotSame(inner, keyed.GetService<ClaudeCodeChatClient>());
            Assert.Equal(ClaudeCodeChatMode.OneShot, keyed.GetService<ClaudeCodeChatClientOptions>()?.Mode);
            Assert.Equal("chat:one-shot:", keyed.GetService<ClaudeCodeChatClientOptions>()?.PoolKeyPrefix);
            Assert.Equal("chat:", chat.GetService<ClaudeCodeChatClientOptions>()?.PoolKeyPrefix);
            Assert.NotNull(keyed.GetService<Client.IClaudeClient>());

            var response = await chat.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("Hello through DI.", response.Text);
            Assert.Equal(1, provider.GetRequiredService<ClaudeSessionPool>().Count);
        }

        Assert.Empty(env.LiveProcesses());
    }

    [Fact]
    public async Task AddClaudeCodeChatClient_InvalidToolServerName_FailsValidationWithAFix()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration().AddClaudeCodeChatClient(o => o.ToolServerName = "my tools");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<ClaudeCodeChatClientOptions>>().Get(Options.DefaultName));

        Assert.Contains(error.Failures, f => f.Contains("ToolServerName must be letters, digits", StringComparison.Ordinal));
    }
}
