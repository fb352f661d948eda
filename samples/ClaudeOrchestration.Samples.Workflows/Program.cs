// The workflows sample: a workflow host on embedded defaults (SQLite run store) that generates code, then loops —
// run the tests, review, fix while the review finds problems (at most 3 rounds) — asks for approval (auto-approved
// here, and printed) and writes a release note. Events are printed as they arrive, and the graph as Mermaid.
// With ANTHROPIC_API_KEY set it uses the real API; without it, the real claude CLI runs against the in-process
// scripted Messages API from ClaudeOrchestration.Testing, and says so.
using System.Text.Json.Nodes;
using ClaudeOrchestration;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var workDirectory = Directory.CreateTempSubdirectory("claude-orchestration-workflows-").FullName;
var scripted = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
await using var server = scripted ? await ScriptedMessagesServer.StartAsync() : null;

builder.Services
    .AddClaudeOrchestration(builder.Configuration.GetSection(ClaudeOrchestrationOptions.SectionName), options =>
    {
        options.DefaultWorkingDirectory = workDirectory;
        options.AllowedWorkingDirectoryRoots.Add(Path.GetTempPath());
        options.MaxConcurrentProcesses = 2;
        if (server is not null)
        {
            foreach (var (name, value) in server.CreateCliEnvironment(Path.Combine(workDirectory, ".claude-config")))
            {
                options.EnvironmentVariables[name] = value;
            }
        }
    })
    .AddWorkflows(options => options.DatabasePath = Path.Combine(workDirectory, "workflows.db"));

using var host = builder.Build();
await host.StartAsync();

if (server is not null)
{
    Console.WriteLine("SCRIPTED DEMO: ANTHROPIC_API_KEY is not set, so the real claude CLI runs against a local scripted");
    Console.WriteLine($"Messages API at {server.BaseUrl}. Replies below are scripted, not written by a model.");
    Console.WriteLine();
    var reviews = 0;
    server.When(r => r.LatestUserText.Contains("Write the code", StringComparison.Ordinal), _ => ScriptedReply.Text("Wrote Slugify.cs: lower-cases, replaces spaces with '-'."));
    server.When(r => r.LatestUserText.Contains("Run the tests", StringComparison.Ordinal), _ => ScriptedReply.Text("4 tests ran, 4 passed."));
    server.When(
        r => r.LatestUserText.Contains("Review the code", StringComparison.Ordinal),
        _ => Interlocked.Increment(ref reviews) == 1
            ? ScriptedReply.Text("PROBLEMS: Slugify(null) throws; punctuation is kept.")
            : ScriptedReply.Text("No findings. The null case and punctuation are handled."));
    server.When(r => r.LatestUserText.Contains("Fix these problems", StringComparison.Ordinal), _ => ScriptedReply.Text("Added a null guard and strip punctuation."));
    server.When(r => r.LatestUserText.Contains("release note", StringComparison.Ordinal), _ => ScriptedReply.Text("Slugify: null-safe, strips punctuation."));
}

var engine = host.Services.GetRequiredService<WorkflowEngine>();
var workflow = engine.CreateBuilder("build-review-fix")
    .Description("Generate code, test and review it, fix while the review finds problems, approve, publish a release note.")
    .Input("feature")
    .Node("generate", WorkflowNodeTypes.ClaudeCode, n => n
        .With("prompt", "Write the code for: ${inputs.feature}. Reply with one line.")
        .With("maxTurns", 3)
        .Retry(2, initialDelay: TimeSpan.FromSeconds(1)))
    .Node("improve", WorkflowNodeTypes.Loop, n => n
        .DependsOn("generate")
        .With("while", "[loop.iteration] == 0 || contains([loop.last.review.outputs.text], 'PROBLEMS')")
        .With("maxIterations", 3)
        .Child("test", WorkflowNodeTypes.ClaudeCode, c => c.With("prompt", "Run the tests for ${inputs.feature}.").With("maxTurns", 3))
        .Child("review", WorkflowNodeTypes.ClaudeCode, c => c.DependsOn("test")
            .With("prompt", "Review the code (tests: ${nodes.test.outputs.text}). Start with PROBLEMS: if you find any.").With("maxTurns", 3))
        .Child("fix", WorkflowNodeTypes.ClaudeCode, c => c.DependsOn("review")
            .When("contains([nodes.review.outputs.text], 'PROBLEMS')")
            .With("prompt", "Fix these problems: ${nodes.review.outputs.text}").With("maxTurns", 3)))
    .Node("approve", WorkflowNodeTypes.Approval, n => n.DependsOn("improve")
        .With("message", "Publish after ${nodes.improve.outputs.iterations} review round(s)?").With("timeout", "00:10:00"))
    .Node("publish", WorkflowNodeTypes.ClaudeCode, n => n.DependsOn("approve")
        .With("prompt", "Write a one-line release note for ${inputs.feature}.").With("maxTurns", 2))
    .Output("releaseNote", "${nodes.publish.outputs.text}")
    .Output("rounds", "${nodes.improve.outputs.iterations}")
    .Build();

Console.WriteLine("Graph (Mermaid):");
Console.WriteLine(WorkflowGraph.ToMermaid(workflow));

var run = await engine.StartAsync(workflow, new Dictionary<string, JsonNode?> { ["feature"] = "a Slugify(string) helper" });
Console.WriteLine($"run {run.RunId} (checkpoints in {Path.Combine(workDirectory, "workflows.db")})");
await foreach (var e in run.ReadEventsAsync())
{
    switch (e)
    {
        case NodeStartedEvent s:
            Console.WriteLine($"  > {s.NodePath} ({s.NodeType})");
            break;
        case NodeTextEvent t:
            Console.WriteLine($"    {t.NodePath}: {t.Text}");
            break;
        case NodeRetryingEvent r:
            Console.WriteLine($"  ~ {r.NodePath} attempt {r.FailedAttempt} failed ({r.Error}); retrying in {r.Delay}");
            break;
        case NodeSkippedEvent k:
            Console.WriteLine($"  - {k.NodePath} skipped: {k.Reason}");
            break;
        case NodeFinishedEvent f:
            Console.WriteLine($"  < {f.NodePath} {f.Status}{(f.Error is null ? "" : ": " + f.Error)}");
            break;
        case ApprovalRequestedEvent a:
            Console.WriteLine($"  ? approval '{a.NodePath}': {a.Message} -> auto-approved by the sample");
            await engine.DecideApprovalAsync(run.RunId, a.NodePath, approve: true, comment: "auto-approved", decidedBy: "sample");
            break;
        case RunFinishedEvent done:
            Console.WriteLine($"run {done.Status}{(done.Error is null ? "" : ": " + done.Error)}");
            break;
    }
}

var result = await run.Completion;
foreach (var (name, value) in result.Outputs)
{
    Console.WriteLine($"{name}: {value?.ToJsonString()}");
}

Console.WriteLine($"spent ${result.CostUsd} over {result.Turns} turns");
await host.StopAsync();
return result.Status == WorkflowRunStatus.Completed ? 0 : 1;
