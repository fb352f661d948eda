using System.Text.Json;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Mcp.Tests.RealClients;

/// <summary>
/// The official MCP conformance suite (<c>@modelcontextprotocol/conformance</c>, pinned in tests/node, on Node 22) against
/// the test-only conformance host, which serves the suite's fixtures next to our tools over Streamable HTTP. The suite
/// runs once; each scenario is its own test, so its outcome counts in the test totals.
/// </summary>
public sealed class ConformanceSuiteTests(ConformanceSuiteTests.SuiteRun run) : IClassFixture<ConformanceSuiteTests.SuiteRun>
{
    public static TheoryData<string> Scenarios => [.. ScenarioNames];

    private static readonly string[] ScenarioNames =
    [
        "server-initialize", "logging-set-level", "ping", "completion-complete", "tools-list", "tools-call-simple-text",
        "tools-call-image", "tools-call-audio", "tools-call-embedded-resource", "tools-call-mixed-content",
        "tools-call-with-logging", "tools-call-error", "tools-call-with-progress", "tools-call-sampling",
        "tools-call-elicitation", "json-schema-2020-12", "elicitation-sep1034-defaults", "server-sse-polling",
        "server-sse-multiple-streams", "elicitation-sep1330-enums", "resources-list", "resources-read-text",
        "resources-read-binary", "resources-templates-read", "resources-subscribe", "resources-unsubscribe", "prompts-list",
        "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource", "prompts-get-with-image",
        "dns-rebinding-protection",
    ];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_AgainstConformanceHost_NoCheckFails(string scenario)
    {
        Assert.True(run.Checks.TryGetValue(scenario, out var checks), $"The suite wrote no results for '{scenario}'. Output:\n{run.Output}");
        var failures = checks.Where(c => c.Status is "FAILURE" or "ERROR").Select(c => $"{c.Id}: {c.Message}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Suite_RanEveryScenarioItKnows_AllListedHere()
    {
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(ScenarioNames.Order(StringComparer.Ordinal), run.Checks.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Starts the conformance host, runs the whole server suite against it once, and keeps each scenario's checks.</summary>
    public sealed class SuiteRun : IAsyncLifetime
    {
        private readonly TempDirectory _output = new("mcp-conformance-");

        public Dictionary<string, List<Check>> Checks { get; } = new(StringComparer.Ordinal);

        public string Output { get; private set; } = string.Empty;

        public int ExitCode { get; private set; }

        public async ValueTask InitializeAsync()
        {
            var cancellationToken = TestContext.Current.CancellationToken;
            await using var host = HostProcess.Start("ClaudeOrchestration.Mcp.ConformanceHost");
            var url = await host.WaitForLineAsync("listening on ", cancellationToken);
            var (exitCode, output, error) = await NodeTools.RunAsync(
                NodeTools.Conformance,
                ["server", "--url", url + "/mcp", "--suite", "all", "-o", _output.FullPath],
                NodeTools.NodeDirectory,
                cancellationToken);
            ExitCode = exitCode;
            Output = output + error;
            foreach (var directory in Directory.EnumerateDirectories(_output.FullPath))
            {
                // server-<scenario>-<timestamp>, the timestamp being 2026-12-04T04-01-07-915Z (24 characters).
                var name = Path.GetFileName(directory);
                var scenario = name["server-".Length..^25];
                var file = Path.Combine(directory, "checks.json");
                using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken));
                Checks[scenario] = [.. json.RootElement.EnumerateArray().Select(c => new Check(
                    c.GetProperty("id").GetString()!,
                    c.GetProperty("status").GetString()!,
                    c.TryGetProperty("errorMessage", out var m) ? m.GetString() : null))];
            }
        }

        public ValueTask DisposeAsync()
        {
            _output.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One check of a scenario.</summary>
    public sealed record Check(string Id, string Status, string? Message);
}
