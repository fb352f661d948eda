// An MCP server over stdio that exposes the suite: agent tools, workflows, the knowledge base and agent contexts, the task prompts.
// Register it with Claude Code (`claude mcp add`) or Claude Desktop; see README.md.
// Nothing but MCP goes to stdout: every log line goes to stderr.
// Without ANTHROPIC_API_KEY the agent tools run the real claude CLI against a local scripted Messages API (and say so
// on stderr), so the server is usable and testable offline.
using ClaudeOrchestration;
using ClaudeOrchestration.Mcp.Server;
using ClaudeOrchestration.Rag;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is the JSON-RPC channel

var dataDirectory = builder.Configuration["McpServerHost:DataDirectory"]
    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "claude-orchestration-mcp");
var workDirectory = builder.Configuration["McpServerHost:WorkDirectory"] ?? Path.Combine(dataDirectory, "work");
Directory.CreateDirectory(workDirectory);

var scripted = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
    && builder.Configuration.GetValue("McpServerHost:ScriptedWhenNoApiKey", true);
await using var messages = scripted ? await ScriptedMessagesServer.StartAsync() : null;
if (messages is not null)
{
    await Console.Error.WriteLineAsync($"SCRIPTED: ANTHROPIC_API_KEY is not set; agent tools run the real claude CLI against a scripted Messages API at {messages.BaseUrl}.");
    ScriptedDemo.Configure(messages);
}

var orchestration = builder.Services
    .AddClaudeOrchestration(builder.Configuration.GetSection(ClaudeOrchestrationOptions.SectionName), options =>
    {
        options.DefaultWorkingDirectory ??= workDirectory;
        if (options.AllowedWorkingDirectoryRoots.Count == 0)
        {
            options.AllowedWorkingDirectoryRoots.Add(workDirectory);
        }

        if (messages is not null)
        {
            foreach (var (name, value) in messages.CreateCliEnvironment(Path.Combine(dataDirectory, "claude-config")))
            {
                options.EnvironmentVariables[name] = value;
            }
        }
    })
    .AddRag(builder.Configuration.GetSection(RagOptions.SectionName), rag => rag.DataDirectory ??= dataDirectory)
    .AddWorkflows(builder.Configuration.GetSection(WorkflowEngineOptions.SectionName))
    .AddWorkflowDefinitionsFromDirectory(Path.Combine(AppContext.BaseDirectory, builder.Configuration["McpServerHost:WorkflowsDirectory"] ?? "workflows"));
// Semantic embeddings (all-MiniLM-L6-v2, offline, inside the package) unless configured otherwise; "Hashing" keeps the
// zero-dependency embedder. The RAG package logs the active embedder at start-up.
if (!string.Equals(builder.Configuration["McpServerHost:Embeddings"], "Hashing", StringComparison.OrdinalIgnoreCase))
{
    orchestration.AddMiniLmEmbeddings();
}

builder.Services
    .AddMcpServer(o =>
    {
        o.ServerInfo = new Implementation { Name = "claude-orchestration", Version = "1.0.0" };
        o.ServerInstructions = "Tools to delegate coding tasks to Claude Code agents, run workflows (and approve their steps), search and grow a knowledge base, and keep agent contexts.";
    })
    .WithStdioServerTransport()
    .WithClaudeOrchestrationTools(builder.Configuration.GetSection(ClaudeOrchestrationMcpOptions.SectionName));

// Graceful shutdown: stopping the host cancels the running tool calls, and their agents' process trees end with them.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

using var host = builder.Build();
var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
foreach (var (name, entry) in health.Entries)
{
    await Console.Error.WriteLineAsync($"health {name}: {entry.Status} - {entry.Description}");
}

await host.RunAsync();

/// <summary>What the scripted Messages API answers when no API key is set: enough to show each agent tool end to end.</summary>
internal static class ScriptedDemo
{
    public static void Configure(ScriptedMessagesServer server)
    {
        server.When(r => r.LatestUserText.Contains("Write the code", StringComparison.Ordinal),
            ScriptedReply.Text("SCRIPTED: this reply comes from the local scripted Messages API, not a model. Set ANTHROPIC_API_KEY for real agents."));
        server.When(r => r.LatestUserText.Contains("Review the code", StringComparison.Ordinal),
            ScriptedReply.Text("SCRIPTED review: no findings (the scripted Messages API does not read code)."));
    }
}
