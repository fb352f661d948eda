// The delegation sample: a host that hands two dependent tasks to Claude Code agents and prints what came back, then
// asks follow-up questions in one warm session that calls an in-process C# tool.
// With ANTHROPIC_API_KEY set it uses the real API; without it, it runs the real claude CLI against the in-process
// scripted Messages API from ClaudeOrchestration.Testing, and says so.
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ClaudeOrchestration;
using ClaudeOrchestration.Delegation;
using ClaudeOrchestration.Mcp;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var workDirectory = Directory.CreateTempSubdirectory("claude-orchestration-sample-").FullName;
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
    .AddClaudeSessions(pool => pool.MaxSessions = 2)
    .AddSdkMcpServer<WorkspaceTools>("workspace");
builder.Services.AddSingleton(new Workspace(workDirectory));

using var host = builder.Build();
await host.StartAsync();

if (server is not null)
{
    Console.WriteLine("SCRIPTED DEMO: ANTHROPIC_API_KEY is not set, so the real claude CLI runs against a local scripted");
    Console.WriteLine($"Messages API at {server.BaseUrl}. Replies below are scripted, not written by a model.");
    Console.WriteLine();
    var target = Path.Combine(workDirectory, "Greeter.cs");
    server.When(
        r => r.LatestUserText.Contains("Write the code", StringComparison.Ordinal) && !r.HasToolResults,
        _ => ScriptedReply.ToolUse("Write", new JsonObject
        {
            ["file_path"] = target,
            ["content"] = "public static class Greeter\n{\n    public static string Greet(string name) => $\"Hello, {name}!\";\n}\n",
        }, leadingText: "I'll create Greeter.cs."));
    server.When(
        r => r.LatestUserText.Contains("Review the code", StringComparison.Ordinal),
        _ => ScriptedReply.Text("Review of Greeter.cs: one pure static method, no I/O, no state. No findings."));
    server.When(
        r => r.LatestUserText.Contains("How many lines", StringComparison.Ordinal) && !r.HasToolResults,
        _ => ScriptedReply.ToolUse("mcp__workspace__count_lines", new JsonObject { ["file"] = "Greeter.cs" }));
    server.When(
        r => r.HasToolResults && r.ToolResults[^1].Content.StartsWith("Greeter.cs:", StringComparison.Ordinal),
        r => ScriptedReply.Text($"The workspace tool reports {r.ToolResults[^1].Content}"));
    server.When(
        r => r.LatestUserText.Contains("one word", StringComparison.Ordinal),
        _ => ScriptedReply.Text("Greeting."));
}

var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
foreach (var (name, entry) in health.Entries)
{
    Console.WriteLine($"health {name}: {entry.Status} - {entry.Description}");
}

var delegator = host.Services.GetRequiredService<IClaudeTaskDelegator>();
var results = await delegator.DelegateManyAsync(
[
    new DelegationRequest
    {
        Id = "generate",
        TaskType = ClaudeTaskType.CodeGeneration,
        Description = "Create Greeter.cs with a static Greet(name) method returning \"Hello, {name}!\".",
        WorkingDirectory = workDirectory,
        ProjectContext = "A tiny C# library.",
        Critical = true,
        RunOptions = new ClaudeRunOptions { PermissionMode = ClaudePermissionMode.AcceptEdits, MaxTurns = 5 },
    },
    new DelegationRequest
    {
        Id = "review",
        TaskType = ClaudeTaskType.CodeReview,
        Description = "Greeter.cs",
        WorkingDirectory = workDirectory,
        DependsOn = ["generate"],
        RunOptions = new ClaudeRunOptions { Tools = ["Read"], MaxTurns = 3 },
    },
]);

var exitCode = 0;
foreach (var result in results)
{
    Console.WriteLine($"[{result.Id}] {result.Status}: {result.Output ?? result.Reason}");
    if (result.Run is { } run)
    {
        Console.WriteLine($"    session {run.SessionId}, {run.NumTurns} turns, {run.InputTokens} in / {run.OutputTokens} out tokens, ${run.TotalCostUsd}");
    }

    if (result.Status != DelegationStatus.Succeeded)
    {
        exitCode = 1;
    }
}

var written = Path.Combine(workDirectory, "Greeter.cs");
Console.WriteLine(File.Exists(written) ? $"The agent wrote {written}:\n{File.ReadAllText(written)}" : "No file was written.");

// A warm session: one CLI process for several turns, with an in-process C# tool and a permission callback.
var sessions = host.Services.GetRequiredService<ClaudeSessionFactory>();
var toolServers = host.Services.GetRequiredService<ClaudeSdkMcpServerFactory>();
await using (var workspace = toolServers.Create("workspace"))
{
    var clock = Stopwatch.StartNew();
    await using var session = await sessions.StartAsync(new ClaudeSessionOptions
    {
        SdkMcpServers = [workspace],
        RunOptions = new ClaudeRunOptions { WorkingDirectory = workDirectory, Tools = [], MaxTurns = 3 },
        CanUseTool = (request, _) =>
        {
            var allowed = request.ToolName.StartsWith("mcp__workspace__", StringComparison.Ordinal);
            Console.WriteLine($"    permission for {request.ToolName}: {(allowed ? "allowed" : "denied")}");
            return ValueTask.FromResult(allowed ? ClaudePermissionResult.Allow() : ClaudePermissionResult.Deny("Only workspace tools."));
        },
    });
    Console.WriteLine($"[session] started in {clock.ElapsedMilliseconds} ms (pid {session.ProcessId}, session {session.SessionId})");
    foreach (var question in new[] { "How many lines does Greeter.cs have? Use the workspace tool.", "Describe Greeter.cs in one word." })
    {
        clock.Restart();
        var turn = await session.RunAsync(question);
        var tools = turn.Messages.OfType<AssistantMessage>().SelectMany(m => m.Content).OfType<ToolUseBlock>().Select(t => t.Name);
        Console.WriteLine($"[session] {question}\n    -> {turn.Text} ({clock.ElapsedMilliseconds} ms, tools: [{string.Join(", ", tools)}])");
        if (turn.IsError)
        {
            exitCode = 1;
        }
    }
}

await host.StopAsync();
Directory.Delete(workDirectory, recursive: true);
return exitCode;

/// <summary>Where the sample's agents work.</summary>
internal sealed record Workspace(string Root);

/// <summary>In-process tools for the session; the MCP C# SDK builds their schemas, DI supplies the workspace.</summary>
[McpServerToolType]
internal sealed class WorkspaceTools(Workspace workspace)
{
    [McpServerTool(Name = "count_lines", ReadOnly = true), Description("Counts the lines of a file in the workspace.")]
    public string CountLines([Description("A file name inside the workspace")] string file)
    {
        var path = Path.GetFullPath(Path.Combine(workspace.Root, file));
        if (!path.StartsWith(workspace.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
        {
            throw new ModelContextProtocol.McpException($"'{file}' is not a file in the workspace.");
        }

        return $"{file}: {File.ReadLines(path).Count()} lines";
    }
}
