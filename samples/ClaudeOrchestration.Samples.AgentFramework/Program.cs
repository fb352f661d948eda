// The Agent Framework sample: a Claude Code "coder" agent (a warm session that calls the host's C# function get_ticket)
// and a "reviewer" agent (a second Claude Code chat client, registered under a key, running one-shot) cooperate in a
// sequential Microsoft Agent Framework workflow. Both are ChatClientAgents over ClaudeCodeChatClient.
// With ANTHROPIC_API_KEY set it uses the real API; without it, it runs the real claude CLI against the in-process
// scripted Messages API from ClaudeOrchestration.Testing, and says so. Point it at the CLI with ClaudeOrchestration__CliPath
// when claude is not on PATH.
using System.ComponentModel;
using System.Text.Json.Nodes;
using ClaudeOrchestration;
using ClaudeOrchestration.AI;
using ClaudeOrchestration.Testing;
using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var workDirectory = Directory.CreateTempSubdirectory("claude-orchestration-maf-").FullName;
var scripted = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
await using var server = scripted ? await ScriptedMessagesServer.StartAsync() : null;

var claude = builder.Services
    .AddClaudeOrchestration(builder.Configuration.GetSection(ClaudeOrchestrationOptions.SectionName), options =>
    {
        options.DefaultWorkingDirectory = workDirectory;
        if (server is not null)
        {
            foreach (var (name, value) in server.CreateCliEnvironment(Path.Combine(workDirectory, ".claude-config")))
            {
                options.EnvironmentVariables[name] = value;
            }
        }
    })
    .AddClaudeSessions(pool => pool.MaxSessions = 2);

// The coder: the default IChatClient, warm sessions, with M.E.AI middleware on top.
claude.AddClaudeCodeChatClient(o => o.RunOptions = new ClaudeRunOptions { Tools = [] }).UseLogging();

// The reviewer: a second chat client under a key, one process per request, read-only built-in tools.
claude.AddKeyedClaudeCodeChatClient("reviewer", o =>
{
    o.Mode = ClaudeCodeChatMode.OneShot;
    o.RunOptions = new ClaudeRunOptions { Tools = ["Read", "Grep"] };
});

using var host = builder.Build();
await host.StartAsync();

if (server is not null)
{
    Console.WriteLine("SCRIPTED DEMO: ANTHROPIC_API_KEY is not set, so the real claude CLI runs against a local scripted");
    Console.WriteLine($"Messages API at {server.BaseUrl}. Replies below are scripted, not written by a model.");
    Console.WriteLine();

    // Rules are tried in order. The coder first calls the host's tool, then answers from its result; the reviewer's prompt
    // holds the coder's answer.
    server.When(
        r => r.HasToolResults && r.ToolResults[^1].Content.Contains("T-42", StringComparison.Ordinal),
        r => ScriptedReply.Text($"Fix for T-42 (from the ticket: {r.ToolResults[^1].Content}): trim the name before greeting."));
    server.When(
        r => r.LatestUserText.Contains("Fix for T-42", StringComparison.Ordinal),
        _ => ScriptedReply.Text("Reviewer: approved. Trimming covers the reported input; add a test for \"  Ada \"."));
    server.When(
        r => r.LatestUserText.Contains("ticket T-42", StringComparison.Ordinal) && !r.HasToolResults,
        _ => ScriptedReply.ToolUse("mcp__host__get_ticket", new JsonObject { ["id"] = "T-42" }, leadingText: "Let me read the ticket."));
}

var tickets = new TicketDesk();
AIAgent coder = host.Services.GetRequiredService<IChatClient>().AsClaudeCodeAgent(
    name: "coder",
    instructions: "You fix bugs. Read the ticket with get_ticket, then propose a fix in one sentence.",
    tools: [AIFunctionFactory.Create(tickets.GetTicket, "get_ticket")]);
AIAgent reviewer = host.Services.GetRequiredKeyedService<IChatClient>("reviewer").AsClaudeCodeAgent(
    name: "reviewer",
    instructions: "You review proposed fixes. Approve or reject in one sentence, with one suggestion.");

var workflow = AgentWorkflowBuilder.BuildSequential("ticket-review", [coder, reviewer]);

await using (var run = await InProcessExecution.RunStreamingAsync(workflow, new List<ChatMessage> { new(ChatRole.User, "Please handle ticket T-42.") }))
{
    await run.TrySendMessageAsync(new TurnToken(emitEvents: true));
    string? speaker = null;
    await foreach (var evt in run.WatchStreamAsync())
    {
        switch (evt)
        {
            case AgentResponseUpdateEvent update:
                var author = update.Update.AuthorName ?? update.ExecutorId;
                if (author != speaker)
                {
                    speaker = author;
                    Console.Write($"{Environment.NewLine}[{speaker}] ");
                }

                foreach (var content in update.Update.Contents)
                {
                    switch (content)
                    {
                        case TextContent text:
                            Console.Write(text.Text);
                            break;
                        case FunctionCallContent call:
                            Console.Write($"{Environment.NewLine}  (Claude Code called {call.Name}){Environment.NewLine}  ");
                            break;
                    }
                }

                break;
            case WorkflowOutputEvent:
                Console.WriteLine();
                Console.WriteLine();
                Console.WriteLine("Workflow finished.");
                break;
        }
    }
}

Console.WriteLine($"get_ticket was called {tickets.Calls} time(s) by Claude Code.");
await host.StopAsync();
Directory.Delete(workDirectory, recursive: true);

/// <summary>The host's own service, which Claude Code reaches as the in-process tool mcp__host__get_ticket.</summary>
internal sealed class TicketDesk
{
    private int _calls;

    public int Calls => _calls;

    [Description("Reads a ticket by its id.")]
    public string GetTicket([Description("The ticket id, e.g. T-42")] string id)
    {
        Interlocked.Increment(ref _calls);
        return id == "T-42" ? "T-42: Greet(\"  Ada \") prints extra spaces." : $"{id}: no such ticket.";
    }
}
