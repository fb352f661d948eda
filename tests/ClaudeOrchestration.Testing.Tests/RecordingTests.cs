using System.Text.Json;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Testing.Tests;

/// <summary>What the server records about each request, and how tests wait for one.</summary>
public sealed class RecordingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_UserMessageMergedAfterAnInterrupt_NewestUserTextIsOnlyTheNewPromptAndRulesOnItDoNotFireAgain()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.When(r => r.NewestUserText.Contains("SLOW please", StringComparison.Ordinal), ScriptedReply.Text("slow rule"));
        // The shape the CLI 2.1.330 sends for the turn after an interrupted one (seen with the real CLI).
        var body = MessagesApi.Body("unused");
        body["messages"] = new System.Text.Json.Nodes.JsonArray
        {
            new System.Text.Json.Nodes.JsonObject
            {
                ["role"] = "user",
                ["content"] = new System.Text.Json.Nodes.JsonArray
                {
                    new System.Text.Json.Nodes.JsonObject { ["type"] = "text", ["text"] = "<system-reminder>\nnoise\n</system-reminder>" },
                    new System.Text.Json.Nodes.JsonObject { ["type"] = "text", ["text"] = "SLOW please\n" },
                    new System.Text.Json.Nodes.JsonObject { ["type"] = "text", ["text"] = "[Request interrupted by user]\n" },
                    new System.Text.Json.Nodes.JsonObject { ["type"] = "text", ["text"] = "hello again" },
                },
            },
        };
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, body, Ct);
        await response.Content.ReadAsStringAsync(Ct);
        var recorded = server.Requests.Single();

        Assert.Equal("SLOW please\n\n[Request interrupted by user]\n\nhello again", recorded.LatestUserText);
        Assert.Equal("hello again", recorded.NewestUserText);
        Assert.NotEqual(ReplySource.Rule, recorded.ReplySource);
    }

    [Fact]
    public async Task Requests_NoInterrupt_NewestUserTextEqualsLatestUserText()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("plain prompt"), Ct);
        await response.Content.ReadAsStringAsync(Ct);
        var recorded = server.Requests.Single();

        Assert.Equal("plain prompt", recorded.NewestUserText);
        Assert.Equal(recorded.LatestUserText, recorded.NewestUserText);
    }

    [Fact]
    public async Task Requests_CliShapedPrompt_RecordsTheFieldsAndNeverTheApiKey()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var body = Fixtures.Read("cli-prompt-request.json");
        using var http = new HttpClient();

        using var response = await MessagesApi.PostRawAsync(http, server, body, Ct);
        await response.Content.ReadAsStringAsync(Ct);
        var recorded = server.Requests.Single();

        Assert.Equal((1, "POST", "/v1/messages", "?beta=true"), (recorded.Sequence, recorded.Method, recorded.Path, recorded.Query));
        Assert.True(recorded.HasApiKey);
        Assert.False(recorded.Headers.ContainsKey("x-api-key"));
        Assert.DoesNotContain(recorded.Headers.Values, v => v.Contains("sk-secret-value", StringComparison.Ordinal));
        Assert.DoesNotContain("sk-secret-value", recorded.ToString(), StringComparison.Ordinal);
        Assert.Equal("2023-06-01", recorded.Headers["Anthropic-Version"]);
        Assert.Equal("claude-opus-5-5", recorded.Model);
        Assert.Equal("00000000-0000-0000-0000-000000000000", recorded.SessionId);
        Assert.True(recorded.IsStreaming);
        Assert.Equal(128000, recorded.MaxTokens);
        Assert.Equal(["Bash", "Read", "Write"], recorded.ToolNames);
        Assert.Equal(
            "x-anthropic-billing-header: cc_version=2.1.330.abc; cc_entrypoint=sdk-cli;\nYou are a Claude agent, built on Anthropic's Claude Agent SDK.",
            recorded.SystemText);
        Assert.Equal("List the files in the project, please.", recorded.LatestUserText);
        Assert.False(recorded.HasToolResults);
        Assert.False(recorded.IsSideCall);
        Assert.Equal(2, recorded.Messages!.Value.GetArrayLength());
        Assert.Equal(body, recorded.RawBody);
        Assert.Equal("adaptive", recorded.Body!.Value.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal((ReplySource.Default, 200), (recorded.ReplySource, recorded.StatusCode));
        Assert.Equal("Text(Scripted reply to: List the files in the…)", recorded.Reply?.ToString());
    }

    [Fact]
    public async Task Requests_ToolResultTurn_RecordsEachResultAndKeepsTheTurnsPrompt()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await MessagesApi.PostRawAsync(http, server, Fixtures.Read("cli-tool-result-request.json"), Ct);
        await response.Content.ReadAsStringAsync(Ct);
        var recorded = server.Requests.Single();

        Assert.True(recorded.HasToolResults);
        Assert.Collection(
            recorded.ToolResults,
            r => Assert.Equal(("toolu_a", "scripted-ok", false), (r.ToolUseId, r.Content, r.IsError)),
            r => Assert.Equal(("toolu_b", "Permission denied", true), (r.ToolUseId, r.Content, r.IsError)));
        Assert.Equal("Run the two checks.", recorded.LatestUserText);
        Assert.Equal("You are a Claude agent.", recorded.SystemText);
        Assert.False(recorded.IsStreaming);
    }

    [Fact]
    public async Task Requests_Snapshot_DoesNotChangeWhenMoreRequestsArrive()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();
        using (var first = await MessagesApi.PostAsync(http, server, MessagesApi.Body("one", stream: false), Ct))
        {
            await first.Content.ReadAsStringAsync(Ct);
        }

        var snapshot = server.Requests;
        using (var second = await MessagesApi.PostAsync(http, server, MessagesApi.Body("two", stream: false), Ct))
        {
            await second.Content.ReadAsStringAsync(Ct);
        }

        Assert.Single(snapshot);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task WaitForRequestAsync_RequestAlreadyRecorded_ReturnsIt()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();
        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("early bird", stream: false), Ct);
        await response.Content.ReadAsStringAsync(Ct);

        var found = await server.WaitForRequestAsync(r => r.LatestUserText == "early bird", Ct);

        Assert.Equal(1, found.Sequence);
    }

    [Fact]
    public async Task WaitForRequestAsync_RequestArrivesLater_CompletesWithTheMatchOnly()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var waiting = server.WaitForRequestAsync(r => r.LatestUserText == "second", Ct);
        using var http = new HttpClient();

        using (var first = await MessagesApi.PostAsync(http, server, MessagesApi.Body("first", stream: false), Ct))
        {
            await first.Content.ReadAsStringAsync(Ct);
        }

        var completedAfterFirst = waiting.IsCompleted;
        using (var second = await MessagesApi.PostAsync(http, server, MessagesApi.Body("second", stream: false), Ct))
        {
            await second.Content.ReadAsStringAsync(Ct);
        }

        Assert.False(completedAfterFirst);
        Assert.Equal(2, (await waiting).Sequence);
    }

    [Fact]
    public async Task WaitForRequestAsync_ServerDisposed_ThrowsObjectDisposed()
    {
        var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var waiting = server.WaitForRequestAsync(_ => true, Ct);

        await server.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
    }

    [Fact]
    public async Task WaitForRequestAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var cancellation = new CancellationTokenSource();
        var waiting = server.WaitForRequestAsync(_ => true, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task Body_IsAnIndependentCopy_ThatOutlivesTheRequest()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();
        using (var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("keep me", stream: false), Ct))
        {
            await response.Content.ReadAsStringAsync(Ct);
        }

        var recorded = server.Requests.Single();

        Assert.Equal(JsonValueKind.Object, recorded.Body!.Value.ValueKind);
        Assert.Equal("keep me", recorded.Messages!.Value[0].GetProperty("content")[0].GetProperty("text").GetString());
    }
}
