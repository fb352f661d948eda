using System.ComponentModel;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Mcp.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Tests.Tools;

public sealed class ClaudeSdkMcpToolsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FromType_StaticAndInstanceMethods_BecomeToolsWithSchemaFromTheSdk()
    {
        var services = new ServiceCollection().AddSingleton<Greeter>().BuildServiceProvider();
        var tools = ClaudeSdkMcpTools.FromType<CalcTools>(services);
        await using var server = ClaudeSdkMcpServer.Create(new ClaudeSdkMcpServerOptions { Name = "calc", Tools = [.. tools] }, services);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        var listed = (await client.ListToolsAsync(Ct)).GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var sum = await client.CallToolAsync("add", new JsonObject { ["a"] = 2, ["b"] = 3 }, Ct);
        var greeting = await client.CallToolAsync("greet", new JsonObject { ["name"] = "Ada" }, Ct);

        Assert.Equal(["add", "greet", "report"], listed.Keys.Order());
        Assert.Equal("Adds two integers.", listed["add"].GetProperty("description").GetString());
        Assert.True(listed["add"].GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean());
        // The injected service is bound from DI, so it is not in the schema the model sees.
        Assert.Equal(["name"], listed["greet"].GetProperty("inputSchema").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(400_000, listed["report"].GetProperty("_meta").GetProperty(ClaudeToolMeta.MaxResultSizeChars).GetInt32());
        Assert.Equal("5", CliMcpClient.SingleText(sum));
        Assert.Equal("Hello, Ada!", CliMcpClient.SingleText(greeting));
    }

    [Fact]
    public async Task FromType_InstanceMethod_CreatesAndDisposesOneInstancePerCall()
    {
        var services = new ServiceCollection().AddSingleton<Greeter>().BuildServiceProvider();
        await using var server = ClaudeSdkMcpServer.Create(new ClaudeSdkMcpServerOptions { Name = "calc", Tools = [.. ClaudeSdkMcpTools.FromType<CalcTools>(services)] }, services);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);
        var before = CalcTools.Disposed;

        await client.CallToolAsync("greet", new JsonObject { ["name"] = "a" }, Ct);
        await client.CallToolAsync("greet", new JsonObject { ["name"] = "b" }, Ct);

        Assert.Equal(before + 2, CalcTools.Disposed);
    }

    [Fact]
    public async Task FromInstance_InstanceMethods_RunOnTheGivenObject()
    {
        var counter = new CounterTools();
        await using var server = ClaudeSdkMcpServer.Create("counter", tools: ClaudeSdkMcpTools.FromInstance(counter));
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);

        await client.CallToolAsync("increment", [], Ct);
        var second = await client.CallToolAsync("increment", [], Ct);

        Assert.Equal("2", CliMcpClient.SingleText(second));
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public void FromType_TypeWithoutTools_ThrowsWithFix()
    {
        var exception = Assert.Throws<ArgumentException>(() => ClaudeSdkMcpTools.FromType<Greeter>());

        Assert.Contains("[McpServerTool]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithMaxResultSizeChars_NotPositive_Throws()
    {
        var tool = McpServerTool.Create(() => "x", new() { Name = "x" });

        Assert.Throws<ArgumentOutOfRangeException>(() => tool.WithMaxResultSizeChars(0));
    }

    public sealed class Greeter
    {
        public string Greet(string name) => $"Hello, {name}!";
    }

    [McpServerToolType]
    public sealed class CalcTools(Greeter greeter) : IDisposable
    {
        private static int _disposedCount;

        public static int Disposed => Volatile.Read(ref _disposedCount);

        [McpServerTool(Name = "add", ReadOnly = true), Description("Adds two integers.")]
        public static int Add(int a, int b) => a + b;

        [McpServerTool(Name = "greet"), Description("Greets someone.")]
        public string Greet([Description("Who to greet")] string name, Greeter injected) =>
            ReferenceEquals(injected, greeter) ? greeter.Greet(name) : "a different Greeter was injected";

        [McpServerTool(Name = "report"), McpMeta(ClaudeToolMeta.MaxResultSizeChars, 400_000)]
        public static string Report() => "long";

        public void Dispose() => Interlocked.Increment(ref _disposedCount);
    }

    public sealed class CounterTools
    {
        private int _count;

        public int Count => _count;

        [McpServerTool(Name = "increment")]
        public int Increment() => Interlocked.Increment(ref _count);
    }
}
