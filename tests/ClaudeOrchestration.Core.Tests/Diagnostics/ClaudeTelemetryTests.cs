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

        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? TokenType)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ClaudeTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, TokenType(tags))));
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, TokenType(tags))));
        meterListener.Start();

        var client = ClaudeClient.Create(new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = cli.Directory });
        await client.RunAsync("hi", new ClaudeRunOptions { TaskId = taskId, Model = "sonnet" }, TestContext.Current.CancellationToken);

        var span = Assert.Single(activities);
        Assert.Equal("claude.task", span.OperationName);
        Assert.Equal("sonnet", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("fake-session", span.GetTagItem("claude.session.id"));
        Assert.Equal(3L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(4L, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.NotNull(span.GetTagItem("process.pid"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // Other tests run in parallel and record too; these values are this task's own.
        Assert.Contains(measurements, m => m.Instrument == "gen_ai.client.token.usage" && m.TokenType == "input" && m.Value == 3);
        Assert.Contains(measurements, m => m.Instrument == "gen_ai.client.token.usage" && m.TokenType == "output" && m.Value == 4);
        Assert.Contains(measurements, m => m.Instrument == "claude.task.cost" && Math.Abs(m.Value - 0.0012) < 1e-9);
        Assert.Contains(measurements, m => m.Instrument == "claude.task.duration" && m.Value > 0);
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
