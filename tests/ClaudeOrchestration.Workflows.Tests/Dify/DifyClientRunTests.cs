using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClaudeOrchestration.Workflows.Dify;
using Microsoft.AspNetCore.Http;

namespace ClaudeOrchestration.Workflows.Tests.Dify;

public sealed class DifyClientRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunWorkflowAsync_Blocking_SendsDocumentedRequestAndReturnsFinishedData()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking()));
        var client = DifyTestClient.Create(server);

        var result = await client.RunWorkflowAsync(DifyTestClient.Request(), Ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/v1/workflows/run"), (request.Method, request.Path));
        Assert.Equal($"Bearer {DifySamples.ApiKey}", request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("blocking", body.RootElement.GetProperty("response_mode").GetString());
        Assert.Equal(DifySamples.User, body.RootElement.GetProperty("user").GetString());
        Assert.Equal("France", body.RootElement.GetProperty("inputs").GetProperty("city").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("inputs").GetProperty("n").GetInt32());

        Assert.True(result.Succeeded);
        Assert.Equal(DifySamples.RunId, result.WorkflowRunId);
        Assert.Equal(DifySamples.TaskId, result.TaskId);
        Assert.Equal("Paris", result.Data.Outputs!["answer"].GetString());
        Assert.Equal(321, result.Data.TotalTokens);
        Assert.Equal(3, result.Data.TotalSteps);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1705407631), result.Data.FinishedAt);
        Assert.Same(result, result.EnsureSucceeded());
    }

    [Fact]
    public async Task RunWorkflowAsync_Files_AreSentInDifysShape()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking()));
        var client = DifyTestClient.Create(server);

        await client.RunWorkflowAsync(new DifyWorkflowRunRequest
        {
            User = DifySamples.User,
            Files = [DifyInputFile.FromUpload("document", "upload-1"), DifyInputFile.FromUrl("image", new Uri("https://example.com/a.png"))],
        }, Ct);

        using var body = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        var files = body.RootElement.GetProperty("files");
        Assert.Equal("""{"type":"document","transfer_method":"local_file","upload_file_id":"upload-1"}""", files[0].GetRawText());
        Assert.Equal("""{"type":"image","transfer_method":"remote_url","url":"https://example.com/a.png"}""", files[1].GetRawText());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("inputs").ValueKind);
    }

    [Fact]
    public async Task RunWorkflowAsync_AlwaysRateLimited_GivesUpAfterTheConfiguredRetries()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            FakeDifyServer.ErrorAsync(context, 429, "too_many_requests", "Too many requests"));
        var client = DifyTestClient.Create(server, configure: options => options.MaxRetryAttempts = 2);

        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.RunWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Equal((429, "too_many_requests"), (error.StatusCode, error.Code));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task RunWorkflowAsync_VersionId_PostsToTheVersionRoute()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking()));
        var client = DifyTestClient.Create(server);

        await client.RunWorkflowAsync(new DifyWorkflowRunRequest { User = DifySamples.User, WorkflowVersionId = "ver-7" }, Ct);

        Assert.Equal("/v1/workflows/ver-7/run", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task RunWorkflowAsync_RunFailedInDify_IsAFailedResultAndEnsureSucceededThrows()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking("failed", "Node LLM run failed: quota")));
        var client = DifyTestClient.Create(server);

        var result = await client.RunWorkflowAsync(DifyTestClient.Request(), Ct);

        Assert.False(result.Succeeded);
        Assert.Equal(DifyWorkflowStatus.Failed, result.Status);
        var failure = Assert.Throws<DifyWorkflowFailedException>(() => result.EnsureSucceeded());
        Assert.Contains("failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Node LLM run failed: quota", failure.Message, StringComparison.Ordinal);
        Assert.Contains(DifySamples.RunId, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWorkflowAsync_Unauthorized_ThrowsWithStatusCodeAndOperationWithoutRetrying()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            FakeDifyServer.ErrorAsync(context, 401, "unauthorized", "Access token is invalid"));
        var client = DifyTestClient.Create(server);

        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.RunWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal("unauthorized", error.Code);
        Assert.Equal("run workflow", error.Operation);
        Assert.Contains("run workflow", error.Message, StringComparison.Ordinal);
        Assert.Contains("Access token is invalid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DifySamples.ApiKey, error.ToString(), StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RunWorkflowAsync_BadRequest_ThrowsInvalidParam()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            FakeDifyServer.ErrorAsync(context, 400, "invalid_param", "city is required"));
        var client = DifyTestClient.Create(server);

        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.RunWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Equal((400, "invalid_param"), (error.StatusCode, error.Code));
        Assert.Contains("city is required", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RunWorkflowAsync_TooManyRequestsThenSuccess_Retries()
    {
        var calls = 0;
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            Interlocked.Increment(ref calls) == 1
                ? FakeDifyServer.ErrorAsync(context, 429, "too_many_requests", "Too many requests")
                : FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking()));
        var client = DifyTestClient.Create(server);

        var result = await client.RunWorkflowAsync(DifyTestClient.Request(), Ct);

        Assert.True(result.Succeeded);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task RunWorkflowAsync_InternalServerError_IsNotRetriedBecauseTheRunMayHaveStarted()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            FakeDifyServer.ErrorAsync(context, 500, "internal_server_error", "The server encountered an internal error"));
        var client = DifyTestClient.Create(server);

        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.RunWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Equal(500, error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GetWorkflowRunAsync_ServerErrorThenSuccess_RetriesTheIdempotentRead()
    {
        var calls = 0;
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            Interlocked.Increment(ref calls) == 1
                ? FakeDifyServer.ErrorAsync(context, 500, "internal_server_error", "boom")
                : FakeDifyServer.JsonAsync(context, 200, DifySamples.RunDetail()));
        var client = DifyTestClient.Create(server);

        var detail = await client.GetWorkflowRunAsync(DifySamples.RunId, Ct);

        Assert.Equal(DifyWorkflowStatus.Succeeded, detail.Status);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task RunWorkflowAsync_NonJsonErrorBody_QuotesItInTheMessage()
    {
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 502;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Bad gateway</body></html>");
        });
        var client = DifyTestClient.Create(server);

        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.RunWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Equal(502, error.StatusCode);
        Assert.Null(error.Code);
        Assert.Contains("Bad gateway", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RunWorkflowAsync_ServerDown_ThrowsConnectionFailedNamingTheOperation()
    {
        var client = DifyTestClient.Create(ClosedPortUrl(), configure: options => options.MaxRetryAttempts = 2);

        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.RunWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Equal(DifyApiException.ConnectionFailedCode, error.Code);
        Assert.Null(error.StatusCode);
        Assert.Contains("run workflow", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task GetWorkflowRunAsync_InputsAsRawString_ParsesThemOnRequest()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, DifySamples.RunDetail()));
        var client = DifyTestClient.Create(server);

        var detail = await client.GetWorkflowRunAsync(DifySamples.RunId, Ct);

        Assert.Equal(("GET", $"/v1/workflows/run/{DifySamples.RunId}"), (server.Requests[0].Method, server.Requests[0].Path));
        Assert.Equal("""{"city": "France", "n": 2}""", detail.Inputs);
        var inputs = detail.ParseInputs();
        Assert.Equal("France", inputs["city"].GetString());
        Assert.Equal(2, inputs["n"].GetInt32());
        Assert.Equal("Paris", detail.Outputs!["answer"].GetString());
        Assert.Equal(1.25, detail.ElapsedTime);
        Assert.Equal(DifyWorkflowStatus.Succeeded, detail.ToRunResult().Status);
    }

    [Fact]
    public async Task GetWorkflowRunAsync_UnknownRun_Throws404()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.ErrorAsync(context, 404, "not_found", "Workflow run not found"));
        var client = DifyTestClient.Create(server);

        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.GetWorkflowRunAsync("missing", Ct));

        Assert.Equal((404, "not_found", "get workflow run"), (error.StatusCode, error.Code, error.Operation));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task StopWorkflowTaskAsync_PostsTheUserToTheTaskRoute()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, """{"result":"success"}"""));
        var client = DifyTestClient.Create(server);

        await client.StopWorkflowTaskAsync(DifySamples.TaskId, DifySamples.User, Ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", $"/v1/workflows/tasks/{DifySamples.TaskId}/stop"), (request.Method, request.Path));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(DifySamples.User, body.RootElement.GetProperty("user").GetString());
    }

    internal static Uri ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1");
    }
}
