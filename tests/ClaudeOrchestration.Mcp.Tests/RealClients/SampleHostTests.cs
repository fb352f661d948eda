using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Mcp.Tests.RealClients;

/// <summary>
/// The sample hosts with real clients: the official inspector CLI over stdio and Streamable HTTP, the real claude CLI
/// as the MCP client of the stdio host, the HTTP host's bearer-token and binding rules, and two hosts sharing one data
/// directory.
/// </summary>
public sealed class SampleHostTests
{
    private const string StdioHost = "ClaudeOrchestration.Samples.McpServerHost";
    private const string WebHost = "ClaudeOrchestration.Samples.WebHost";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that keep a sample host's data in <paramref name="root"/> and point it at the pinned CLI.</summary>
    private static Dictionary<string, string> HostEnvironment(TempDirectory root, string prefix) => new()
    {
        [$"{prefix}__DataDirectory"] = root.FullPath,
        ["ClaudeOrchestration__CliPath"] = TestCli.Path,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private static Task<(int ExitCode, string Output, string Error)> InspectAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        // The inspector reads ../package.json relative to its working directory: tests/node/node_modules has tests/node above it.
        NodeTools.RunAsync(NodeTools.InspectorCli, arguments, Path.Combine(NodeTools.NodeDirectory, "node_modules"), Ct, environment);

    [Fact]
    public async Task InspectorCli_Stdio_ListsAndCallsOurTools()
    {
        using var root = new TempDirectory("mcp-stdio-host-");
        var environment = HostEnvironment(root, "McpServerHost");
        string[] server = [HostProcess.DotNet, HostProcess.AssemblyPath(StdioHost)];

        var list = await InspectAsync([.. server, "--method", "tools/list"], environment);
        Assert.True(list.ExitCode == 0, list.Error);
        var names = JsonDocument.Parse(list.Output).RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("rag_query", names);
        Assert.Contains("code_generation", names);
        Assert.Contains("context_update", names);

        var add = await InspectAsync([.. server, "--method", "tools/call", "--tool-name", "knowledge_add", "--tool-arg", "text=The release checklist lives in docs/release.md", "--tool-arg", "document_id=release"], environment);
        Assert.True(add.ExitCode == 0, add.Error);
        var query = await InspectAsync([.. server, "--method", "tools/call", "--tool-name", "rag_query", "--tool-arg", "query=release checklist", "--tool-arg", "top_k=2"], environment);
        Assert.True(query.ExitCode == 0, query.Error);
        var result = JsonDocument.Parse(query.Output).RootElement;
        Assert.NotEqual(JsonValueKind.True, result.TryGetProperty("isError", out var isError) ? isError.ValueKind : JsonValueKind.False);
        Assert.Equal("release", result.GetProperty("structuredContent").GetProperty("results")[0].GetProperty("document_id").GetString());

        var bad = await InspectAsync([.. server, "--method", "tools/call", "--tool-name", "rag_query", "--tool-arg", "query=x", "--tool-arg", "top_k=0"], environment);
        Assert.Contains("'top_k' must be between 1 and 20", bad.Output + bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectorCli_StreamableHttp_ListsAndCallsOurTools_WithBearerToken()
    {
        using var root = new TempDirectory("mcp-web-host-");
        var environment = HostEnvironment(root, "WebHost");
        environment["WebHost__BearerToken"] = "test-token-0123456789";
        await using var host = HostProcess.Start(WebHost, ["--urls", "http://127.0.0.1:0"], environment.ToDictionary(e => e.Key, e => (string?)e.Value));
        var url = await host.WaitForLineAsync("listening on ", Ct) + "/mcp";

        var list = await InspectAsync([url, "--transport", "http", "--method", "tools/list", "--header", "Authorization: Bearer test-token-0123456789"]);
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("\"rag_query\"", list.Output, StringComparison.Ordinal);

        var call = await InspectAsync([url, "--transport", "http", "--method", "tools/call", "--tool-name", "context_update",
            "--tool-arg", "session_id=web-1", "--tool-arg", "operation=add", "--header", "Authorization: Bearer test-token-0123456789"]);
        Assert.True(call.ExitCode == 0, call.Error);
        Assert.Contains("\"session_id\": \"web-1\"", call.Output, StringComparison.Ordinal);

        var refused = await InspectAsync([url, "--transport", "http", "--method", "tools/list"]);
        Assert.NotEqual(0, refused.ExitCode);
    }

    [Fact]
    public async Task WebHost_TokenConfigured_RefusesRequestsWithoutIt()
    {
        using var root = new TempDirectory("mcp-web-host-");
        var environment = HostEnvironment(root, "WebHost");
        environment["WebHost__BearerToken"] = "test-token-0123456789";
        await using var host = HostProcess.Start(WebHost, ["--urls", "http://127.0.0.1:0"], environment.ToDictionary(e => e.Key, e => (string?)e.Value));
        var baseUrl = new Uri(await host.WaitForLineAsync("listening on ", Ct));
        using var http = new HttpClient { BaseAddress = baseUrl };

        using var noToken = await http.GetAsync(new Uri("/api/delegations", UriKind.Relative), Ct);
        using var wrongToken = await SendAsync(http, "/api/delegations", "wrong");
        using var mcpNoToken = await http.PostAsync(new Uri("/mcp", UriKind.Relative), new StringContent("{}"), Ct);
        using var workflowNoToken = await http.PostAsync(new Uri("/api/workflows/runs", UriKind.Relative), Json("""{"workflow":"release-notes","inputs":{"version":"1.0"}}"""), Ct);
        using var workflowStatusNoToken = await http.GetAsync(new Uri("/api/workflows/runs/x", UriKind.Relative), Ct);
        using var workflowsWithToken = await SendAsync(http, "/api/workflows", "test-token-0123456789");
        using var withToken = await SendAsync(http, "/api/delegations", "test-token-0123456789");
        using var health = await http.GetAsync(new Uri("/health", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, mcpNoToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, workflowNoToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, workflowStatusNoToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, workflowsWithToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await client.SendAsync(request, Ct);
        }
    }

    [Fact]
    public async Task WebHost_DelegationApi_StartStreamEventsStatus_RealCliRuns()
    {
        using var root = new TempDirectory("mcp-web-host-");
        var environment = HostEnvironment(root, "WebHost").ToDictionary(e => e.Key, e => (string?)e.Value);
        await using var host = HostProcess.Start(WebHost, ["--urls", "http://127.0.0.1:0"], environment);
        using var http = new HttpClient { BaseAddress = new Uri(await host.WaitForLineAsync("listening on ", Ct)) };

        using var bad = await http.PostAsync(new Uri("/api/delegations", UriKind.Relative), new StringContent("""{"task_type":"Deploy","description":"x"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        using var started = await http.PostAsync(new Uri("/api/delegations", UriKind.Relative), new StringContent("""{"task_type":"Documentation","description":"Describe the README"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString();

        // The event stream replays from the start and ends when the delegation does.
        var events = await http.GetStringAsync(new Uri($"/api/delegations/{id}/events", UriKind.Relative), Ct);
        Assert.Contains("event: delegation", events, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"succeeded\"", events, StringComparison.Ordinal);
        var state = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/delegations/{id}", UriKind.Relative), Ct)).RootElement;
        Assert.Equal("Succeeded", state.GetProperty("status").GetString());
        Assert.Contains("Scripted reply to:", state.GetProperty("output").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebHost_WorkflowApi_StartEventsApproveStatusCancel_RealCliRuns()
    {
        using var root = new TempDirectory("mcp-web-host-");
        var environment = HostEnvironment(root, "WebHost").ToDictionary(e => e.Key, e => (string?)e.Value);
        await using var host = HostProcess.Start(WebHost, ["--urls", "http://127.0.0.1:0"], environment);
        using var http = new HttpClient { BaseAddress = new Uri(await host.WaitForLineAsync("listening on ", Ct)), Timeout = Timeout.InfiniteTimeSpan };

        Assert.Equal("release-notes", JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/workflows", UriKind.Relative), Ct)).RootElement[0].GetString());
        using var unknown = await http.PostAsync(new Uri("/api/workflows/runs", UriKind.Relative), Json("""{"workflow":"deploy"}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("release-notes", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var missingInput = await http.PostAsync(new Uri("/api/workflows/runs", UriKind.Relative), Json("""{"workflow":"release-notes","inputs":{}}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missingInput.StatusCode);
        using var noRun = await http.GetAsync(new Uri("/api/workflows/runs/nope", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, noRun.StatusCode);

        var runId = await StartAsync();
        using (var events = await http.GetAsync(new Uri($"/api/workflows/runs/{runId}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(Ct));
            // The first event is the run's status now; the approval is requested then or later.
            var (type, data) = await NextEventAsync(reader);
            Assert.Equal("status", type);
            while (!(type == "approval_requested" || (type == "status" && data.GetProperty("status").GetString() == "WaitingForApproval")))
            {
                (type, data) = await NextEventAsync(reader);
            }

            using var wrongNode = await http.PostAsync(new Uri($"/api/workflows/runs/{runId}/approve", UriKind.Relative), Json("""{"node_path":"publish","approve":true}"""), Ct);
            Assert.Equal(HttpStatusCode.Conflict, wrongNode.StatusCode);
            using var approved = await http.PostAsync(new Uri($"/api/workflows/runs/{runId}/approve", UriKind.Relative), Json("""{"node_path":"review","approve":true,"comment":"ship it"}"""), Ct);
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

            while (type != "run_finished")
            {
                (type, data) = await NextEventAsync(reader);
            }

            Assert.Equal("Completed", data.GetProperty("status").GetString());
            // The stream ends with the run.
            Assert.DoesNotContain("event:", await reader.ReadToEndAsync(Ct), StringComparison.Ordinal);
        }

        var state = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/workflows/runs/{runId}", UriKind.Relative), Ct)).RootElement;
        Assert.Equal("Completed", state.GetProperty("status").GetString());
        Assert.Contains("Scripted reply to:", state.GetProperty("outputs").GetProperty("notes").GetString(), StringComparison.Ordinal);
        Assert.Equal("http", state.GetProperty("outputs").GetProperty("approved_by").GetString());

        var cancelledId = await StartAsync();
        using var cancel = await http.PostAsync(new Uri($"/api/workflows/runs/{cancelledId}/cancel", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/workflows/runs/{cancelledId}", UriKind.Relative), Ct)).RootElement;
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        using var again = await http.PostAsync(new Uri($"/api/workflows/runs/{cancelledId}/cancel", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        async Task<string> StartAsync()
        {
            using var started = await http.PostAsync(new Uri("/api/workflows/runs", UriKind.Relative), Json("""{"workflow":"release-notes","inputs":{"version":"2.1.0"}}"""), Ct);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            return JsonDocument.Parse(await started.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("run_id").GetString()!;
        }

        static async Task<(string Type, JsonElement Data)> NextEventAsync(StreamReader reader)
        {
            string? type = null;
            while (await reader.ReadLineAsync(Ct) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return (type ?? "message", JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
                }
            }

            throw new InvalidOperationException("The event stream ended before the expected event.");
        }
    }

    [Fact]
    public async Task WebHosts_TwoOnOneDataDirectory_RunExecutedByOneApprovedThroughTheOther_KnowledgeShared()
    {
        // Two hosts on one set of files, as two processes of one user would be: both resume runs at start-up.
        using var root = new TempDirectory("mcp-two-hosts-");
        var environment = HostEnvironment(root, "WebHost").ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["ClaudeOrchestration__Workflows__ResumeOnStart"] = "true";
        environment["ClaudeOrchestration__Workflows__RunClaimDuration"] = "00:00:03";
        await using var first = HostProcess.Start(WebHost, ["--urls", "http://127.0.0.1:0"], environment);
        var firstUrl = await first.WaitForLineAsync("listening on ", Ct);
        using var a = new HttpClient { BaseAddress = new Uri(firstUrl), Timeout = Timeout.InfiniteTimeSpan };

        using var started = await a.PostAsync(new Uri("/api/workflows/runs", UriKind.Relative), Json("""{"workflow":"release-notes","inputs":{"version":"3.0.0"}}"""), Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = JsonDocument.Parse(await started.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("run_id").GetString()!;
        var waiting = await WaitForStatusAsync(a, runId, "WaitingForApproval");
        Assert.True(waiting.GetProperty("is_active").GetBoolean());

        // The second host starts while the run waits: it must leave the run to the first, not resume it too.
        await using var second = HostProcess.Start(WebHost, ["--urls", "http://127.0.0.1:0"], environment);
        using var b = new HttpClient { BaseAddress = new Uri(await second.WaitForLineAsync("listening on ", Ct)), Timeout = Timeout.InfiniteTimeSpan };
        var seenBySecond = JsonDocument.Parse(await b.GetStringAsync(new Uri($"/api/workflows/runs/{runId}", UriKind.Relative), Ct)).RootElement;
        Assert.Equal("WaitingForApproval", seenBySecond.GetProperty("status").GetString());
        Assert.False(seenBySecond.GetProperty("is_active").GetBoolean());

        // Approved through the second host, the run goes on in the first.
        using var approved = await b.PostAsync(new Uri($"/api/workflows/runs/{runId}/approve", UriKind.Relative), Json("""{"node_path":"review","approve":true}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var done = await WaitForStatusAsync(a, runId, "Completed");
        Assert.Equal("http", done.GetProperty("outputs").GetProperty("approved_by").GetString());
        Assert.All(done.GetProperty("nodes").EnumerateArray(), n => Assert.Equal(1, n.GetProperty("attempts").GetInt32()));
        Assert.False(JsonDocument.Parse(await b.GetStringAsync(new Uri($"/api/workflows/runs/{runId}", UriKind.Relative), Ct)).RootElement.GetProperty("is_active").GetBoolean());

        // Knowledge added through one host's MCP endpoint is found through the other's.
        var add = await InspectAsync([firstUrl + "/mcp", "--transport", "http", "--method", "tools/call", "--tool-name", "knowledge_add",
            "--tool-arg", "text=Canary releases go to one percent of users first.", "--tool-arg", "document_id=canary"]);
        Assert.True(add.ExitCode == 0, add.Error);
        var query = await InspectAsync([b.BaseAddress + "mcp", "--transport", "http", "--method", "tools/call", "--tool-name", "rag_query",
            "--tool-arg", "query=canary releases", "--tool-arg", "top_k=1"]);
        Assert.True(query.ExitCode == 0, query.Error);
        Assert.Equal("canary", JsonDocument.Parse(query.Output).RootElement.GetProperty("structuredContent").GetProperty("results")[0].GetProperty("document_id").GetString());

        static async Task<JsonElement> WaitForStatusAsync(HttpClient http, string runId, string status)
        {
            while (true)
            {
                var run = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/workflows/runs/{runId}", UriKind.Relative), Ct)).RootElement.Clone();
                var now = run.GetProperty("status").GetString();
                if (now == status)
                {
                    return run;
                }

                Assert.True(now is "Running" or "WaitingForApproval", $"The run is {now}: {run}");
                await Task.Delay(200, Ct);
            }
        }
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task WebHost_BeyondLoopbackWithoutToken_RefusesToStart()
    {
        using var root = new TempDirectory("mcp-web-host-");
        var environment = HostEnvironment(root, "WebHost").ToDictionary(e => e.Key, e => (string?)e.Value);
        await using var host = HostProcess.Start(WebHost, ["--urls", "http://0.0.0.0:0"], environment);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.WaitForLineAsync("listening on ", Ct));
        Assert.Contains("Refusing to start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebHost_ForeignHostHeader_Rejected()
    {
        using var root = new TempDirectory("mcp-web-host-");
        var environment = HostEnvironment(root, "WebHost").ToDictionary(e => e.Key, e => (string?)e.Value);
        await using var host = HostProcess.Start(WebHost, ["--urls", "http://127.0.0.1:0"], environment);
        var baseUrl = new Uri(await host.WaitForLineAsync("listening on ", Ct));
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/delegations", UriKind.Relative));
        request.Headers.Host = "evil.example.com";

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ClaudeCli_McpConfigPointsAtStdioHost_ModelCallsRagQuery_TranscriptShowsOurResult()
    {
        await using var cli = await OfflineCliFixture.StartAsync(cancellationToken: Ct);
        using var root = new TempDirectory("mcp-stdio-host-");
        var config = new JsonObject
        {
            ["mcpServers"] = new JsonObject
            {
                ["orchestration"] = new JsonObject
                {
                    ["command"] = HostProcess.DotNet,
                    ["args"] = new JsonArray(HostProcess.AssemblyPath(StdioHost)),
                    ["env"] = new JsonObject(HostEnvironment(root, "McpServerHost").Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))),
                },
            },
        };
        var configPath = Path.Combine(root.FullPath, "mcp.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString(), Ct);
        cli.Server.When(r => !r.HasToolResults && r.LatestUserText.Contains("deploy", StringComparison.Ordinal),
            ScriptedReply.ToolUse("mcp__orchestration__knowledge_add", new JsonObject { ["text"] = "Deploy with tools/deploy.sh after setting STAGE.", ["document_id"] = "deploy" }));
        cli.Server.When(r => r.HasToolResults && r.ToolResults[^1].Content.Contains("\"status\":\"Added\"", StringComparison.Ordinal),
            ScriptedReply.ToolUse("mcp__orchestration__rag_query", new JsonObject { ["query"] = "how do I deploy", ["top_k"] = 1 }));

        var run = await cli.RunAsync(
        [
            "-p", "How do we deploy? Save what you know, then search the knowledge base.",
            "--output-format", "stream-json", "--verbose",
            "--mcp-config", configPath, "--strict-mcp-config",
            "--allowedTools", "mcp__orchestration__knowledge_add,mcp__orchestration__rag_query",
        ], Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var init = run.FramesOfType("system", "init").Single();
        Assert.Contains(init.GetProperty("mcp_servers").EnumerateArray(), s => s.GetProperty("name").GetString() == "orchestration" && s.GetProperty("status").GetString() == "connected");
        var toolResults = run.FramesOfType("user")
            .SelectMany(f => f.GetProperty("message").GetProperty("content").EnumerateArray())
            .Where(c => c.GetProperty("type").GetString() == "tool_result")
            .Select(c => c.GetProperty("content").ToString())
            .ToList();
        // Claude Code hands the model our structuredContent (the JSON of the output schema) when a tool returns one.
        Assert.Contains(toolResults, r => r.Contains("\"query\":\"how do I deploy\"", StringComparison.Ordinal)
            && r.Contains("\"document_id\":\"deploy\"", StringComparison.Ordinal)
            && r.Contains("tools/deploy.sh", StringComparison.Ordinal));
        Assert.Contains("tools/deploy.sh", run.Result.GetProperty("result").GetString(), StringComparison.Ordinal);
    }
}
