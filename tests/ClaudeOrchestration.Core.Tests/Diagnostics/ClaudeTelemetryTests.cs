using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Core.Tests.Client;
using ClaudeOrchestration.Diagnostics;

namespace ClaudeOrchestration.Core.Tests.Diagnostics;

public sealed class ClaudeTelemetryTests
{
    [Fact]
    public async Task RunAsync_RecordsTaskSpanAndTokenCostDurationMetrics()
    {
        using var cli = FakeCli.Create($"read line\necho '{FakeCli.ResultLine}'");
        var taskId = "telemetry-" + Guid.NewGuid().ToString("n");
        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ClaudeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("claude.task.id") == taskId)
                {
                    activities.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);

        // This client records on a meter of its own: the listener sees this task's measurements only, not those of the
        // tests running in parallel (which all record on the shared meter).
        using var meter = new Meter(ClaudeTelemetry.MeterName);
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? TokenType)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, TokenType(tags))));
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, TokenType(tags))));
        meterListener.Start();

        var client = ClaudeClient.Create(new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory });
        client.Metrics = new ClaudeTaskMetrics(meter);
        await client.RunAsync("hi", new ClaudeRunOptions { TaskId = taskId, Model = "sonnet" }, TestContext.Current.CancellationToken);

        var span = Assert.Single(activities);
        Assert.Equal("claude.task", span.OperationName);
        Assert.Equal("sonnet", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("fake-session", span.GetTagItem("claude.session.id"));
        Assert.Equal(3L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(4L, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.NotNull(span.GetTagItem("process.pid"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // Exactly this task's measurements, nothing from other tests.
        var recorded = measurements.OrderBy(m => m.Instrument, StringComparer.Ordinal).ThenBy(m => m.TokenType, StringComparer.Ordinal).ToArray();
        Assert.Equal(4, recorded.Length);
        Assert.Equal(("claude.task.cost", 0.0012), (recorded[0].Instrument, Math.Round(recorded[0].Value, 6)));
        Assert.Equal("claude.task.duration", recorded[1].Instrument);
        Assert.True(recorded[1].Value > 0);
        Assert.Equal(("gen_ai.client.token.usage", 3d, "input"), recorded[2]);
        Assert.Equal(("gen_ai.client.token.usage", 4d, "output"), recorded[3]);
    }

    private static string? TokenType(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "gen_ai.token.type")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
