using System.ComponentModel;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Mcp.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Tests.DependencyInjection;

public sealed class McpClaudeOrchestrationBuilderExtensionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddSdkMcpServer_ResolvedFactory_CreatesFreshServersWhoseToolsUseDi()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Multiplier(10));
        services.AddClaudeOrchestration()
            .AddSdkMcpServer<ScaleTools>("scale")
            .AddSdkMcpServer("calc", (server, _) => server.Tools.Add(McpServerTool.Create((int a, int b) => a + b, new() { Name = "add" })));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var factory = provider.GetRequiredService<ClaudeSdkMcpServerFactory>();
        await using var first = factory.Create("scale");
        await using var second = factory.Create("scale");
        var client = new CliMcpClient(first);
        await client.InitializeAsync(Ct);
        var result = await client.CallToolAsync("scale", new JsonObject { ["value"] = 4 }, Ct);

        Assert.Equal(["scale", "calc"], factory.Names);
        Assert.NotSame(first, second);
        Assert.Equal("scale", first.Name);
        Assert.Equal("40", CliMcpClient.SingleText(result));
    }

    [Fact]
    public async Task AddSdkMcpServer_CreateAll_ReturnsOneServerPerRegistration()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration()
            .AddSdkMcpServer("a", (server, _) => server.Tools.Add(McpServerTool.Create(() => "a", new() { Name = "a" })))
            .AddSdkMcpServer("b", (server, _) => server.Tools.Add(McpServerTool.Create(() => "b", new() { Name = "b" })));
        await using var provider = services.BuildServiceProvider();

        var servers = provider.GetRequiredService<ClaudeSdkMcpServerFactory>().CreateAll();
        try
        {
            Assert.Equal(["a", "b"], servers.Select(s => s.Name));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AddSdkMcpServer_CalledTwiceWithSameName_RegistersOnceAndCombinesTools()
    {
        var services = new ServiceCollection();
        var builder = services.AddClaudeOrchestration();
        builder.AddSdkMcpServer("calc", (server, _) => server.Tools.Add(McpServerTool.Create(() => 1, new() { Name = "one" })));
        builder.AddSdkMcpServer("calc", (server, _) => server.Tools.Add(McpServerTool.Create(() => 2, new() { Name = "two" })));
        await using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<ClaudeSdkMcpServerFactory>();
        await using var server = factory.Create("calc");
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);
        var tools = (await client.ListToolsAsync(Ct)).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString());

        Assert.Equal(["calc"], factory.Names);
        Assert.Equal(["one", "two"], tools.Order());
    }

    [Fact]
    public async Task AddSdkMcpServer_InvalidName_FailsValidationWithFix()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().AddSdkMcpServer("bad name", (_, _) => { });
        await using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<ClaudeSdkMcpServerOptions>>().Get("bad name"));

        Assert.Contains("letters, digits", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnregisteredName_ThrowsListingRegisteredNames()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().AddSdkMcpServer("calc", (_, _) => { });
        await using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<ClaudeSdkMcpServerFactory>().Create("other"));

        Assert.Contains("[calc]", exception.Message, StringComparison.Ordinal);
    }

    public sealed record Multiplier(int Factor);

    public sealed class ScaleTools(Multiplier multiplier)
    {
        [McpServerTool(Name = "scale"), Description("Multiplies by the configured factor.")]
        public int Scale(int value) => value * multiplier.Factor;
    }
}
