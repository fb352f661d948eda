using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Core.Tests.Sessions;

public sealed class AddClaudeSessionsTests
{
    [Fact]
    public async Task AddClaudeSessions_ResolvesFactoryAndPoolWithConfiguredOptions()
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddClaudeOrchestration(o => o.CliPath = TestCli.Path).AddClaudeSessions(o => o.MaxSessions = 3);
        services.AddClaudeOrchestration().AddClaudeSessions();

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Same(services, builder.Services);
        Assert.Same(provider.GetRequiredService<ClaudeSessionFactory>(), provider.GetRequiredService<ClaudeSessionFactory>());
        var pool = provider.GetRequiredService<ClaudeSessionPool>();
        Assert.Same(pool, provider.GetRequiredService<ClaudeSessionPool>());
        Assert.Equal(0, pool.Count);
        Assert.Equal(3, provider.GetRequiredService<IOptions<ClaudeSessionPoolOptions>>().Value.MaxSessions);
    }

    [Fact]
    public async Task AddClaudeSessions_BindsConfigurationAndRejectsInvalidValues()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MaxSessions"] = "0", ["IdleTimeout"] = "-00:00:01" })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration(o => o.CliPath = TestCli.Path).AddClaudeSessions(configuration);
        await using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClaudeSessionPoolOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.Contains("MaxSessions must be between 1 and 1024", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("IdleTimeout must be positive", StringComparison.Ordinal));
    }
}
