using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Dify;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Nodes;
using ClaudeOrchestration.Workflows.Tests.Dify;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Workflows.Tests.Nodes;

/// <summary>The <c>dify</c> node against the local server that plays Dify's documented streams.</summary>
public sealed class DifyNodeTests
{
    private const string ErrorEvent = """{"event":"error","status":400,"code":"provider_quota_exceeded","message":"Your quota has been used up"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DifyNode_Succeeds_StreamsTextAndItsOutputsFlowToALaterNode()
    {
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            foreach (var frame in new[] { DifySamples.WorkflowStarted, DifySamples.TextChunk("Par"), DifySamples.TextChunk("is"), DifySamples.WorkflowFinished })
            {
                await FakeDifyServer.DataAsync(context, frame);
            }
        });
        // Through DI as a host does it: a keyed client, and the handler AddWorkflows registers.
        var services = new ServiceCollection();
        services.AddKeyedDifyClient("capitals", o => { o.BaseUrl = server.BaseUrl; o.ApiKey = DifySamples.ApiKey; });
        services.AddClaudeOrchestration(o => o.CliPath = TestCli.Path).AddWorkflows(o => o.Storage = WorkflowStorage.InMemory);
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<WorkflowEngine>();
        var definition = engine.ParseDefinition("""
            {
              "name": "capital",
              "inputs": [ { "name": "country" } ],
              "nodes": [
                { "id": "ask", "type": "dify",
                  "inputs": { "client": "capitals", "user": "user-42", "idempotencyInput": "request_id",
                              "inputs": { "query": "Capital of ${inputs.country}?", "hints": [ "${inputs.country}" ], "n": 2 } } },
                { "id": "use", "type": "set", "dependsOn": [ "ask" ],
                  "inputs": { "answer": "${nodes.ask.outputs.answer}", "run": "${nodes.ask.outputs.workflow_run_id}",
                              "tokens": "${nodes.ask.outputs.total_tokens}", "text": "${nodes.ask.outputs.text}" } }
              ],
              "outputs": { "answer": "${nodes.use.outputs.answer}" }
            }
            """);

        var run = await engine.StartAsync(definition, new Dictionary<string, JsonNode?> { ["country"] = "France" }, cancellationToken: Ct);
        var events = await Engines.CollectAsync(run);
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal("Paris", result.Outputs["answer"]!.GetValue<string>());
        Assert.Equal(["Par", "is"], events.OfType<NodeTextEvent>().Where(e => e.NodePath == "ask").Select(e => e.Text));
        var used = result.Nodes["use"].Outputs!;
        Assert.Equal(DifySamples.RunId, used["run"]!.GetValue<string>());
        Assert.Equal(321, used["tokens"]!.GetValue<long>());
        Assert.Equal("Paris", used["text"]!.GetValue<string>());
        var ask = result.Nodes["ask"].Outputs!;
        Assert.Equal(DifyWorkflowStatus.Succeeded, ask["status"]!.GetValue<string>());
        Assert.Equal(0.9, ask["outputs"]!["score"]!.GetValue<double>());

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/workflows/run", request.Path);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("streaming", body.RootElement.GetProperty("response_mode").GetString());
        Assert.Equal("user-42", body.RootElement.GetProperty("user").GetString());
        var inputs = body.RootElement.GetProperty("inputs");
        Assert.Equal("Capital of France?", inputs.GetProperty("query").GetString());
        Assert.Equal("France", inputs.GetProperty("hints")[0].GetString());
        Assert.Equal($"{run.RunId}/ask", inputs.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task DifyNode_ErrorEventMidStream_FailsTheAttemptAndIsRetriedPerPolicy()
    {
        var calls = 0;
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
            await FakeDifyServer.DataAsync(context, Interlocked.Increment(ref calls) == 1 ? ErrorEvent : DifySamples.WorkflowFinished);
        });
        await using var engine = CreateEngine(server);
        var definition = engine.CreateBuilder("retry")
            .Node("ask", WorkflowNodeTypes.Dify, n => n.With("user", DifySamples.User).Retry(2, initialDelay: TimeSpan.Zero))
            .Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        var events = await Engines.CollectAsync(run);
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        Assert.Equal(2, result.Nodes["ask"].Attempts);
        var retry = Assert.Single(events.OfType<NodeRetryingEvent>());
        Assert.Contains("The Dify workflow of node 'ask' failed", retry.Error, StringComparison.Ordinal);
        Assert.Contains("provider_quota_exceeded", retry.Error, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task DifyNode_ErrorEveryTime_FailsTheNodeWithDifysMessageAndContinueGoesOn()
    {
        await using var server = await FakeDifyServer.StartAsync(async (context, _) =>
        {
            await FakeDifyServer.BeginSseAsync(context);
            await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
            await FakeDifyServer.DataAsync(context, ErrorEvent);
        });
        await using var engine = CreateEngine(server);
        var definition = engine.CreateBuilder("fails")
            .Node("ask", WorkflowNodeTypes.Dify, n => n.With("user", DifySamples.User).Retry(2, initialDelay: TimeSpan.Zero).ContinueOnError())
            .Node("after", WorkflowNodeTypes.Set, n => n.With("x", 1))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Completed, result.Status);
        var ask = result.Nodes["ask"];
        Assert.Equal(WorkflowNodeStatus.Failed, ask.Status);
        Assert.Equal(2, ask.Attempts);
        Assert.Contains($"(Dify run {DifySamples.RunId})", ask.Error, StringComparison.Ordinal);
        Assert.Contains("Your quota has been used up", ask.Error, StringComparison.Ordinal);
        Assert.Equal(WorkflowNodeStatus.Completed, result.Nodes["after"].Status);
    }

    [Fact]
    public async Task DifyNode_Unauthorized_IsNotRetried()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            FakeDifyServer.ErrorAsync(context, 401, "unauthorized", "Access token is invalid"));
        await using var engine = CreateEngine(server);
        var definition = engine.CreateBuilder("refused")
            .Node("a", WorkflowNodeTypes.Dify, n => n.With("user", DifySamples.User).Retry(3, initialDelay: TimeSpan.Zero))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        // Dify refused the key: another attempt cannot help.
        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Equal(1, result.Nodes["a"].Attempts);
        Assert.Contains("unauthorized", result.Nodes["a"].Error, StringComparison.Ordinal);
        Assert.DoesNotContain(DifySamples.ApiKey, result.Nodes["a"].Error, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task DifyNode_FailedRunInsideDify_FailsTheNodeWithDifysError()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) =>
            FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking("failed", "Node Code failed")));
        await using var engine = CreateEngine(server);
        var definition = engine.CreateBuilder("failed")
            .Node("a", WorkflowNodeTypes.Dify, n => n.With("user", DifySamples.User).With("responseMode", "blocking").Retry(2, initialDelay: TimeSpan.Zero))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Equal(2, result.Nodes["a"].Attempts);
        Assert.Equal($"The Dify workflow of node 'a' (Dify run {DifySamples.RunId}) ended failed: Node Code failed", result.Nodes["a"].Error);
    }

    [Fact]
    public async Task DifyNode_RunCancelled_StopsTheDifyTask()
    {
        var streamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeDifyServer.StartAsync(
            FakeDifyServer.StreamUntilAborted(streamAborted, DifySamples.WorkflowStarted, DifySamples.TextChunk("thinking")));
        await using var engine = CreateEngine(server);
        var definition = engine.CreateBuilder("cancel").Node("ask", WorkflowNodeTypes.Dify, n => n.With("user", DifySamples.User)).Build();

        var run = await engine.StartAsync(definition, cancellationToken: Ct);
        await Engines.WaitForEventAsync(run, e => e is NodeTextEvent);
        await run.CancelAsync();
        var result = await run.Completion;

        Assert.Equal(WorkflowRunStatus.Cancelled, result.Status);
        await streamAborted.Task.WaitAsync(Ct);
        server.AssertStoppedOnce();
    }

    [Fact]
    public async Task DifyNode_NoClientRegistered_FailsWithHowToRegister()
    {
        await using var engine = Engines.Create(services: new ServiceCollection().BuildServiceProvider(), handlers: new DifyNodeHandler());
        var definition = engine.CreateBuilder("none")
            .Node("a", WorkflowNodeTypes.Dify, n => n.With("user", "u").With("client", "ghost").Retry(3, initialDelay: TimeSpan.Zero))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: Ct)).Completion;

        Assert.Equal(1, result.Nodes["a"].Attempts);
        Assert.Contains("AddKeyedDifyClient(\"ghost\"", result.Nodes["a"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DifyNode_JsonDefinition_ValidatesAndRejectsBadConfigByNodeAndPath()
    {
        var valid = WorkflowDefinitionJson.Parse("""
            { "name": "ok", "inputs": [ { "name": "q" } ],
              "nodes": [ { "id": "ask", "type": "dify", "inputs": { "user": "u", "responseMode": "blocking", "inputs": { "query": "${inputs.q}" } } } ] }
            """);
        Assert.Equal(WorkflowNodeTypes.Dify, Assert.Single(valid.Nodes).Type);

        var error = Assert.Throws<WorkflowValidationException>(() => WorkflowDefinitionJson.Parse("""
            { "name": "bad", "inputs": [ { "name": "q" } ],
              "nodes": [
                { "id": "a", "type": "dify", "inputs": { "inputs": { "query": "${inputs.q}" } } },
                { "id": "b", "type": "dify", "inputs": { "user": "u", "responseMode": "sse", "inputs": "not an object" } },
                { "id": "c", "type": "dify", "inputs": { "user": "u", "client": " ", "inputs": { "deep": [ { "x": "${inputs.ghost}" } ] } } }
              ] }
            """));

        Assert.Contains(error.Errors, e => e.NodeId == "a" && e.JsonPath == "$.nodes[0].inputs.user" && e.Message.Contains("required", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.NodeId == "b" && e.JsonPath == "$.nodes[1].inputs.responseMode" && e.Message.Contains("streaming or blocking", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.NodeId == "b" && e.JsonPath == "$.nodes[1].inputs.inputs" && e.Message.Contains("not Object", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.NodeId == "c" && e.JsonPath == "$.nodes[2].inputs.client");
        Assert.Contains(error.Errors, e => e.NodeId == "c" && e.JsonPath == "$.nodes[2].inputs.inputs.deep[0].x" && e.Message.Contains("ghost", StringComparison.Ordinal));
        Assert.Equal(5, error.Errors.Count);
    }

    private static WorkflowEngine CreateEngine(FakeDifyServer server)
    {
        var services = new ServiceCollection().AddSingleton<IDifyClient>(DifyTestClient.Create(server)).BuildServiceProvider();
        return Engines.Create(services: services, handlers: new DifyNodeHandler());
    }
}
