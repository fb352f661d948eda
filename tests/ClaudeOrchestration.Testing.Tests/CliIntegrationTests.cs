using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Testing.Tests;

/// <summary>
/// The real, pinned <c>claude</c> CLI against the scripted server: <c>claude -p &lt;prompt&gt; --output-format stream-json --verbose</c>
/// with stdin closed, no shell. These fail (never skip) when the CLI is missing: run <c>scripts/test.sh</c>.
/// </summary>
public sealed class CliIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cli_TextReply_ReachesTheResult()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        cli.Server.Enqueue(ScriptedReply.Text("Scripted hello for the CLI.").WithUsage(1000, 200));

        var run = await cli.RunAsync(PrintArguments("say hello"), Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = run.Result;
        Assert.Equal("success", result.GetProperty("subtype").GetString());
        Assert.False(result.GetProperty("is_error").GetBoolean());
        Assert.Equal("Scripted hello for the CLI.", result.GetProperty("result").GetString());
        Assert.Equal(1000, result.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(200, result.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(result.GetProperty("total_cost_usd").GetDouble() > 0, "usage numbers should give the run a cost");

        var turn = Assert.Single(cli.Server.Requests, r => !r.IsSideCall);
        Assert.Equal(("POST", "/v1/messages", "say hello", ReplySource.Queue), (turn.Method, turn.Path, turn.LatestUserText, turn.ReplySource));
        Assert.True(turn.IsStreaming);
        Assert.True(turn.HasApiKey);
        Assert.Contains("Bash", turn.ToolNames);
        Assert.Empty(cli.FindLiveProcesses());
    }

    [Fact]
    public async Task Cli_BashToolRoundTrip_NextRequestCarriesTheToolResultAndTheResultQuotesIt()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        cli.Server.Enqueue(ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "echo scripted-ok" }, "Running it."));

        var run = await cli.RunAsync([.. PrintArguments("run the check"), "--allowedTools=Bash"], Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var turns = cli.Server.Requests.Where(r => !r.IsSideCall).ToArray();
        Assert.Equal(2, turns.Length);
        Assert.Equal(ReplySource.Queue, turns[0].ReplySource);
        Assert.False(turns[0].HasToolResults);
        var toolResult = Assert.Single(turns[1].ToolResults);
        Assert.Equal("scripted-ok", toolResult.Content.Trim());
        Assert.False(toolResult.IsError);
        Assert.StartsWith("toolu_scripted_", toolResult.ToolUseId, StringComparison.Ordinal);
        Assert.Equal("run the check", turns[1].LatestUserText);
        Assert.Equal(ReplySource.Default, turns[1].ReplySource);
        Assert.Equal("Final answer. Tool result: scripted-ok", run.Result.GetProperty("result").GetString());
        Assert.Empty(cli.FindLiveProcesses());
    }

    [Fact]
    public async Task Cli_Error400_GivesAnIsErrorResultWithTheApiErrorStatus()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        cli.Server.Enqueue(ScriptedReply.Error(400, "invalid_request_error", "scripted bad request"));

        var run = await cli.RunAsync(PrintArguments("this will fail"), Ct);

        Assert.True(run.ExitCode == 1, run.ToString());
        var result = run.Result;
        Assert.True(result.GetProperty("is_error").GetBoolean());
        Assert.Equal(400, result.GetProperty("api_error_status").GetInt32());
        Assert.Contains("scripted bad request", result.GetProperty("result").GetString(), StringComparison.Ordinal);
        // The CLI re-sends a turn that got a 400 with fewer beta features; every attempt of the turn gets the scripted error.
        var attempts = cli.Server.Requests.Where(r => !r.IsSideCall).ToArray();
        Assert.All(attempts, r => Assert.Equal((400, "this will fail"), (r.StatusCode, r.LatestUserText)));
        Assert.Equal(ReplySource.Queue, attempts[0].ReplySource);
        Assert.All(attempts.Skip(1), r => Assert.Equal(ReplySource.Retry, r.ReplySource));
        Assert.Empty(cli.FindLiveProcesses());
    }

    [Fact]
    public async Task Cli_StructuredOutputWithJsonSchema_ResultCarriesTheStructuredOutput()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        var value = new JsonObject { ["name"] = "Ada", ["age"] = 36 };
        cli.Server.Enqueue(ScriptedReply.StructuredOutput(value));
        const string schema = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}""";

        var run = await cli.RunAsync([.. PrintArguments("describe Ada"), "--json-schema", schema], Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var structured = run.Result.GetProperty("structured_output");
        Assert.True(JsonNode.DeepEquals(value, JsonNode.Parse(structured.GetRawText())), structured.GetRawText());
        var turn = Assert.Single(cli.Server.Requests, r => !r.IsSideCall);
        Assert.Contains(ScriptedReply.StructuredOutputToolName, turn.ToolNames);
        Assert.Empty(cli.FindLiveProcesses());
    }

    [Fact]
    public async Task Cli_ConcurrentRuns_ScriptedByPrompt_EachGetsItsOwnReply()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        cli.Server.When(
            r => r.LatestUserText.StartsWith("job-", StringComparison.Ordinal) && !r.HasToolResults,
            r => ScriptedReply.Text($"finished {r.LatestUserText}"));

        var runs = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => cli.RunAsync(PrintArguments($"job-{i}"), Ct)));

        for (var i = 0; i < runs.Length; i++)
        {
            Assert.True(runs[i].ExitCode == 0, runs[i].ToString());
            Assert.Equal($"finished job-{i + 1}", runs[i].Result.GetProperty("result").GetString());
        }

        Assert.All(cli.Server.Requests.Where(r => !r.IsSideCall), r => Assert.Equal(ReplySource.Rule, r.ReplySource));
        Assert.Empty(cli.FindLiveProcesses());
    }

    [Fact]
    public async Task Cli_KilledWhileAReplyIsDelayed_ServerStopsWaitingAndNoProcessIsLeft()
    {
        // The delay never ends on its own: the server can only go idle by noticing that the killed CLI's connection is gone.
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        cli.Server.Enqueue(ScriptedReply.Text("never sent").WithDelay(Timeout.InfiniteTimeSpan));
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = cli.RunAsync(PrintArguments("slow one"), cancellation.Token);
        var request = await cli.Server.WaitForRequestAsync(r => r.LatestUserText == "slow one", Ct);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await cli.Server.WaitForIdleAsync(Ct);
        Assert.Equal(ReplySource.Queue, request.ReplySource);
        Assert.Empty(cli.FindLiveProcesses());
    }

    private static string[] PrintArguments(string prompt) => ["-p", prompt, "--output-format", "stream-json", "--verbose"];
}
