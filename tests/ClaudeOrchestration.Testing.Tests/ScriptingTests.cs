using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Testing.Tests;

/// <summary>How replies are chosen: rules before the queue before the default, side calls apart, and the API-key check.</summary>
public sealed class ScriptingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject CliTurn(string sessionId, string prompt)
    {
        var body = MessagesApi.Body(prompt);
        body["metadata"] = new JsonObject { ["user_id"] = $$"""{"device_id":"d","account_uuid":"","session_id":"{{sessionId}}"}""" };
        return body;
    }

    [Fact]
    public async Task Enqueue_SeveralReplies_AnswersMainTurnsInFifoOrderThenFallsBackToTheDefault()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var first = ScriptedReply.Text("first");
        var second = ScriptedReply.Text("second");
        server.Enqueue(first, second);
        using var http = new HttpClient();

        var texts = new List<string>();
        foreach (var prompt in new[] { "one", "two", "three" })
        {
            using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body(prompt, stream: false), Ct);
            texts.Add((await MessagesApi.ReadJsonAsync(response, Ct)).GetProperty("content")[0].GetProperty("text").GetString()!);
        }

        Assert.Equal(["first", "second", "Scripted reply to: three"], texts);
        Assert.Equal([ReplySource.Queue, ReplySource.Queue, ReplySource.Default], server.Requests.Select(r => r.ReplySource));
        Assert.Same(first, server.Requests[0].Reply);
        Assert.Same(second, server.Requests[1].Reply);
        Assert.Equal(0, server.QueuedReplyCount);
    }

    [Fact]
    public async Task When_RuleMatches_WinsOverTheQueueAndLeavesItUntouched()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.Text("from the queue"));
        server.When(r => r.LatestUserText.Contains("special", StringComparison.Ordinal), r => ScriptedReply.Text($"rule saw {r.LatestUserText}"));
        using var http = new HttpClient();

        using var special = await MessagesApi.PostAsync(http, server, MessagesApi.Body("a special prompt", stream: false), Ct);
        var specialText = (await MessagesApi.ReadJsonAsync(special, Ct)).GetProperty("content")[0].GetProperty("text").GetString();
        var queuedBefore = server.QueuedReplyCount;
        using var plain = await MessagesApi.PostAsync(http, server, MessagesApi.Body("plain", stream: false), Ct);
        var plainText = (await MessagesApi.ReadJsonAsync(plain, Ct)).GetProperty("content")[0].GetProperty("text").GetString();

        Assert.Equal("rule saw a special prompt", specialText);
        Assert.Equal(1, queuedBefore);
        Assert.Equal("from the queue", plainText);
        Assert.Equal([ReplySource.Rule, ReplySource.Queue], server.Requests.Select(r => r.ReplySource));
    }

    [Fact]
    public async Task When_TwentyConcurrentConversations_EachGetsTheReplyForItsOwnPrompt()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.When(r => r.LatestUserText.StartsWith("task-", StringComparison.Ordinal), r => ScriptedReply.Text($"done {r.LatestUserText}"));
        using var http = new HttpClient();

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body($"task-{i}"), Ct);
            var events = await MessagesApi.ReadEventsAsync(response, Ct);
            return (Prompt: $"task-{i}", Text: MessagesApi.Assemble(events, 0, "text_delta", "text"));
        }));

        Assert.All(replies, r => Assert.Equal($"done {r.Prompt}", r.Text));
        Assert.Equal(20, server.Requests.Count);
        Assert.Equal(Enumerable.Range(1, 20), server.Requests.Select(r => r.Sequence).Order());
    }

    [Fact]
    public async Task When_RuleThrows_AnswersWith500ApiErrorNamingTheFailure()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.When(_ => true, _ => throw new InvalidOperationException("rule bug"));
        server.Enqueue(ScriptedReply.Text("not used while the rule matches"));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("x"), Ct);
        var body = await MessagesApi.ReadJsonAsync(response, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("api_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("rule bug", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(ReplySource.Rule, server.Requests.Single().ReplySource);
        Assert.Equal(1, server.QueuedReplyCount);
    }

    [Fact]
    public async Task Error_DeterministicStatus_AnswersEveryAttemptOfTheSameCliTurn()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var error = ScriptedReply.Error(400, "invalid_request_error", "bad");
        server.Enqueue(error, ScriptedReply.Text("next turn"));
        var attempt = CliTurn("session-1", "the prompt");
        using var http = new HttpClient();

        using var first = await MessagesApi.PostAsync(http, server, attempt, Ct);
        using var retry = await MessagesApi.PostAsync(http, server, attempt, Ct);
        using var otherSession = await MessagesApi.PostAsync(http, server, CliTurn("session-2", "the prompt"), Ct);

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.OK], [first.StatusCode, retry.StatusCode, otherSession.StatusCode]);
        Assert.Equal([ReplySource.Queue, ReplySource.Retry, ReplySource.Queue], server.Requests.Select(r => r.ReplySource));
        Assert.Same(error, server.Requests[1].Reply);
    }

    [Fact]
    public async Task Error_TransientStatus_AnswersOneAttemptSoTheRetryCanSucceed()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.Error(529, "Overloaded"), ScriptedReply.Text("recovered"));
        var attempt = CliTurn("session-1", "the prompt");
        using var http = new HttpClient();

        using var first = await MessagesApi.PostAsync(http, server, attempt, Ct);
        using var retry = await MessagesApi.PostAsync(http, server, attempt, Ct);

        Assert.Equal((HttpStatusCode)529, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("recovered", MessagesApi.Assemble(await MessagesApi.ReadEventsAsync(retry, Ct), 0, "text_delta", "text"));
    }

    [Fact]
    public async Task Error_RequestWithoutCliSession_IsNeverTreatedAsARetry()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedReply.Error(400, "bad"), ScriptedReply.Text("second"));
        using var http = new HttpClient();

        using var first = await MessagesApi.PostAsync(http, server, MessagesApi.Body("same"), Ct);
        using var second = await MessagesApi.PostAsync(http, server, MessagesApi.Body("same"), Ct);

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.OK], [first.StatusCode, second.StatusCode]);
        Assert.Null(server.Requests[0].SessionId);
    }

    [Fact]
    public async Task Default_ToolResultsInTheNewestUserTurn_QuotesThemInAFinalAnswer()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await MessagesApi.PostRawAsync(http, server, Fixtures.Read("cli-tool-result-request.json"), Ct);
        var message = await MessagesApi.ReadJsonAsync(response, Ct);

        Assert.Equal("Final answer. Tool error: scripted-ok | Permission denied", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal(ReplySource.Default, server.Requests.Single().ReplySource);
    }

    [Fact]
    public async Task Default_LongPrompt_EchoesItsFirst80Characters()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var prompt = string.Concat(Enumerable.Repeat("0123456789", 12));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body(prompt, stream: false), Ct);
        var text = (await MessagesApi.ReadJsonAsync(response, Ct)).GetProperty("content")[0].GetProperty("text").GetString();

        Assert.Equal("Scripted reply to: " + prompt[..80], text);
    }

    [Fact]
    public async Task SideCall_RequestWithoutTools_GetsTheSideReplyWithoutConsumingRulesOrQueue()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        var ruleCalls = 0;
        server.When(_ => Interlocked.Increment(ref ruleCalls) < 0, ScriptedReply.Text("never"));
        server.Enqueue(ScriptedReply.Text("queued"));
        using var http = new HttpClient();

        using var title = await MessagesApi.PostAsync(http, server, MessagesApi.Body("Write a title", tools: []), Ct);
        var titleText = MessagesApi.Assemble(await MessagesApi.ReadEventsAsync(title, Ct), 0, "text_delta", "text");
        using var check = await MessagesApi.PostAsync(http, server, MessagesApi.Body("Hi", stream: false, maxTokens: 1), Ct);
        var checkText = (await MessagesApi.ReadJsonAsync(check, Ct)).GetProperty("content")[0].GetProperty("text").GetString();

        Assert.Equal("Scripted side reply", titleText);
        Assert.Equal("Scripted side reply", checkText);
        Assert.Equal(0, ruleCalls);
        Assert.Equal(1, server.QueuedReplyCount);
        Assert.All(server.Requests, r => Assert.True(r.IsSideCall));
        Assert.All(server.Requests, r => Assert.Equal(ReplySource.SideCall, r.ReplySource));
    }

    [Fact]
    public async Task SideCall_AutomaticAnswerOff_GoesThroughTheQueue()
    {
        var options = new ScriptedMessagesServerOptions { AnswerSideCallsAutomatically = false };
        await using var server = await ScriptedMessagesServer.StartAsync(options, Ct);
        server.Enqueue(ScriptedReply.Text("main turn without tools"));
        using var http = new HttpClient();

        using var response = await MessagesApi.PostAsync(http, server, MessagesApi.Body("no tools run", stream: false, tools: []), Ct);
        var text = (await MessagesApi.ReadJsonAsync(response, Ct)).GetProperty("content")[0].GetProperty("text").GetString();

        Assert.Equal("main turn without tools", text);
        Assert.True(server.Requests.Single().IsSideCall);
        Assert.Equal(ReplySource.Queue, server.Requests.Single().ReplySource);
    }

    [Fact]
    public async Task RequiredApiKey_WrongOrMissingKey_Returns401AndTheRightKeyPasses()
    {
        var options = new ScriptedMessagesServerOptions { RequiredApiKey = "the-right-key" };
        await using var server = await ScriptedMessagesServer.StartAsync(options, Ct);
        using var http = new HttpClient();

        // MessagesApi sends x-api-key "sk-secret-value".
        using var wrong = await MessagesApi.PostAsync(http, server, MessagesApi.Body("x"), Ct);
        var wrongBody = await MessagesApi.ReadJsonAsync(wrong, Ct);
        using var bearer = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "v1/messages"))
        {
            Content = new StringContent(MessagesApi.Body("x", stream: false).ToJsonString()),
        };
        bearer.Headers.Authorization = new("Bearer", "the-right-key");
        using var right = await http.SendAsync(bearer, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("authentication_error", wrongBody.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal([ReplySource.Unauthorized, ReplySource.Default], server.Requests.Select(r => r.ReplySource));
        Assert.Equal("the-right-key", server.CreateCliEnvironment("/tmp/config")["ANTHROPIC_API_KEY"]);
    }

    [Fact]
    public void ScriptedReply_ToolUseInput_IsCopiedSoLaterChangesDoNotLeakIn()
    {
        var input = new JsonObject { ["command"] = "before" };
        var reply = ScriptedReply.ToolUse("Bash", input);

        input["command"] = "after";

        var block = Assert.IsType<ToolUseReplyBlock>(Assert.Single(reply.Blocks));
        Assert.Equal("""{"command":"before"}""", block.InputJson);
    }

    [Fact]
    public void ScriptedReply_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>("input", () => ScriptedReply.ToolUse("Bash", new JsonArray(1, 2)));
        Assert.Throws<ArgumentException>("value", () => ScriptedReply.StructuredOutput(JsonValue.Create(42)));
        Assert.Throws<ArgumentException>("toolName", () => ScriptedReply.ToolUse(" ", null));
        Assert.Throws<ArgumentOutOfRangeException>("httpStatus", () => ScriptedReply.Error(200, "api_error", "not an error"));
        Assert.Throws<ArgumentOutOfRangeException>("delay", () => ScriptedReply.Text("x").WithDelay(TimeSpan.FromSeconds(-1)));
        Assert.Throws<InvalidOperationException>(() => ScriptedReply.Error(400, "x").WithThinking("t"));
        Assert.Equal(Timeout.InfiniteTimeSpan, ScriptedReply.Text("x").WithDelay(Timeout.InfiniteTimeSpan).Delay);
    }

    [Fact]
    public void ScriptedReply_WithMethods_ReturnCopiesAndKeepTheOriginal()
    {
        var original = ScriptedReply.Text("x");

        var changed = original.WithUsage(1, 2).WithDelay(TimeSpan.FromSeconds(3)).WithStopReason("max_tokens");

        Assert.Equal((ScriptedReply.DefaultInputTokens, ScriptedReply.DefaultOutputTokens, TimeSpan.Zero, "end_turn"),
            (original.InputTokens, original.OutputTokens, original.Delay, original.StopReason));
        Assert.Equal((1, 2, TimeSpan.FromSeconds(3), "max_tokens"), (changed.InputTokens, changed.OutputTokens, changed.Delay, changed.StopReason));
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => ScriptedMessagesServer.StartAsync(new ScriptedMessagesServerOptions { CliMaxRetries = -1 }, Ct));
        var timeout = await Assert.ThrowsAsync<ArgumentException>(
            () => ScriptedMessagesServer.StartAsync(new ScriptedMessagesServerOptions { ShutdownTimeout = TimeSpan.Zero }, Ct));
        var key = await Assert.ThrowsAsync<ArgumentException>(
            () => ScriptedMessagesServer.StartAsync(new ScriptedMessagesServerOptions { RequiredApiKey = " " }, Ct));

        Assert.Contains(nameof(ScriptedMessagesServerOptions.CliMaxRetries), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ScriptedMessagesServerOptions.ShutdownTimeout), timeout.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ScriptedMessagesServerOptions.RequiredApiKey), key.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCliEnvironment_ConfigDirectory_ReturnsEverythingTheCliNeedsOffline()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(new ScriptedMessagesServerOptions { CliMaxRetries = 1 }, Ct);

        var environment = server.CreateCliEnvironment("/tmp/some-config");

        Assert.Equal($"http://127.0.0.1:{server.BaseUrl.Port}", environment["ANTHROPIC_BASE_URL"]);
        Assert.Equal(ScriptedMessagesServer.DefaultApiKey, environment["ANTHROPIC_API_KEY"]);
        Assert.Equal("1", environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]);
        Assert.Equal("/tmp/some-config", environment["CLAUDE_CONFIG_DIR"]);
        Assert.Equal("1", environment["CLAUDE_CODE_MAX_RETRIES"]);
        Assert.Equal("1", environment["DISABLE_AUTOUPDATER"]);
    }

    [Fact]
    public async Task Messages_ScriptedByBodyContent_RuleSeesTheRecordedFields()
    {
        await using var server = await ScriptedMessagesServer.StartAsync(cancellationToken: Ct);
        RecordedRequest? seen = null;
        var sourceWhileMatching = ReplySource.Rule;
        server.When(r => r.ToolNames.Contains("Write"), r =>
        {
            seen = r;
            sourceWhileMatching = r.ReplySource;
            return ScriptedReply.ToolUse("Write", new JsonObject { ["file_path"] = "a.txt", ["content"] = "x" });
        });
        using var http = new HttpClient();

        using var response = await MessagesApi.PostRawAsync(http, server, Fixtures.Read("cli-prompt-request.json"), Ct);
        var events = await MessagesApi.ReadEventsAsync(response, Ct);

        Assert.NotNull(seen);
        Assert.Equal(ReplySource.None, sourceWhileMatching);
        Assert.Equal(ReplySource.Rule, seen.ReplySource);
        Assert.Equal("List the files in the project, please.", seen.LatestUserText);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(MessagesApi.Assemble(events, 0, "input_json_delta", "partial_json")).RootElement.ValueKind);
    }
}
