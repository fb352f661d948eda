using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Mcp.Diagnostics;
using ClaudeOrchestration.Mcp.Tests.TestSupport;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Tests.SdkServers;

public sealed class McpTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandleMessageAsync_EachMessage_RecordsSpanAndDurationTaggedWithServerAndMethod()
    {
        // Listeners are process-wide and tests run in parallel: a unique server name keeps other tests' data out.
        var name = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        var spans = new ConcurrentQueue<Activity>();
        var durations = new ConcurrentQueue<(double Seconds, Dictionary<string, object?> Tags)>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == McpTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("mcp.server.name"), name))
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == McpTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("mcp.server.name"), name))
            {
                durations.Enqueue((value, map));
            }
        });
        meters.Start();

        await using var server = ClaudeSdkMcpServer.Create(name, tools: [McpServerTool.Create((int a, int b) => a + b, new() { Name = "add" })]);
        var client = new CliMcpClient(server);
        await client.InitializeAsync(Ct);
        await client.CallToolAsync("add", new JsonObject { ["a"] = 1, ["b"] = 2 }, Ct);
        await server.HandleMessageAsync(CliMcpClient.ToolCall(99, "missing", []), Ct);

        Assert.Equal(["initialize", "notifications/initialized", "tools/call", "tools/call"], spans.Select(s => (string?)s.GetTagItem("mcp.method.name")));
        Assert.All(spans, s => Assert.Equal("claude.mcp_message", s.OperationName));
        Assert.Equal(["ok", "ok", "ok", "error"], spans.Select(s => (string?)s.GetTagItem("outcome")));
        Assert.Equal(ActivityStatusCode.Error, spans.Last().Status);
        Assert.Equal(4, durations.Count);
        Assert.All(durations, d => Assert.True(d.Seconds >= 0));
        Assert.Equal(["initialize", "notifications/initialized", "tools/call", "tools/call"], durations.Select(d => (string?)d.Tags["mcp.method.name"]));
    }
}
