// An ASP.NET Core host: the suite's MCP tools over Streamable HTTP at /mcp, and a small HTTP API to start, watch (SSE),
// and cancel delegations and workflow runs (and approve their steps). Loopback by default; a bearer token is required whenever it listens beyond loopback (it refuses
// to start otherwise) and whenever one is configured; only loopback Host headers are accepted (DNS-rebinding protection)
// unless AllowedHosts says otherwise. Without ANTHROPIC_API_KEY the agents run against a local scripted Messages API.
using System.Text.Json;
using ClaudeOrchestration;
using ClaudeOrchestration.Mcp.Server;
using ClaudeOrchestration.Rag;
using ClaudeOrchestration.Samples.WebHost;
using ClaudeOrchestration.Testing;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ModelContextProtocol.Protocol;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

var urls = (builder.Configuration["urls"] ?? builder.Configuration["Urls"] ?? "http://127.0.0.1:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var token = builder.Configuration["WebHost:BearerToken"];
Security.EnsureSafeBinding(urls, token);
builder.WebHost.UseUrls(urls);

var dataDirectory = builder.Configuration["WebHost:DataDirectory"] ?? Path.Combine(Path.GetTempPath(), "claude-orchestration-webhost");
var workDirectory = Directory.CreateDirectory(builder.Configuration["WebHost:WorkDirectory"] ?? Path.Combine(dataDirectory, "work")).FullName;
var scripted = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
await using var messages = scripted ? await ScriptedMessagesServer.StartAsync() : null;

var orchestration = builder.Services
    .AddClaudeOrchestration(builder.Configuration.GetSection(ClaudeOrchestrationOptions.SectionName), options =>
    {
        options.DefaultWorkingDirectory ??= workDirectory;
        if (options.AllowedWorkingDirectoryRoots.Count == 0)
        {
            options.AllowedWorkingDirectoryRoots.Add(workDirectory);
        }

        foreach (var (name, value) in messages?.CreateCliEnvironment(Path.Combine(dataDirectory, "claude-config")) ?? new Dictionary<string, string>())
        {
            options.EnvironmentVariables[name] = value;
        }
    })
    .AddRag(builder.Configuration.GetSection(RagOptions.SectionName), rag => rag.DataDirectory ??= dataDirectory)
    .AddWorkflows(builder.Configuration.GetSection(WorkflowEngineOptions.SectionName))
    .AddWorkflowDefinitionsFromDirectory(Path.Combine(AppContext.BaseDirectory, builder.Configuration["WebHost:WorkflowsDirectory"] ?? "workflows"));
// Semantic embeddings (all-MiniLM-L6-v2, offline, inside the package) unless configured otherwise; "Hashing" keeps the
// zero-dependency embedder. The RAG package logs the active embedder at start-up.
if (!string.Equals(builder.Configuration["WebHost:Embeddings"], "Hashing", StringComparison.OrdinalIgnoreCase))
{
    orchestration.AddMiniLmEmbeddings();
}
builder.Services
    .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "claude-orchestration-web", Version = "1.0.0" })
    .WithHttpTransport(o => o.Stateless = false)
    .WithClaudeOrchestrationTools(builder.Configuration.GetSection(ClaudeOrchestrationMcpOptions.SectionName));
builder.Services.AddSingleton<Delegations>();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    // Generated metadata takes its naming from the options it is used with: repeat the context's snake_case here.
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebHostJson.Default);
    o.SerializerOptions.TypeInfoResolverChain.Insert(1, WorkflowsJson.Default);
});

var app = builder.Build();
app.UseHostFiltering();
if (!string.IsNullOrWhiteSpace(token))
{
    app.UseBearerToken(token);
}

app.MapHealthChecks("/health");
app.MapMcp("/mcp");

var api = app.MapGroup("/api/delegations");
api.MapPost("/", (DelegationStart start, Delegations delegations) =>
{
    try
    {
        var state = delegations.Start(start);
        return Results.Accepted($"/api/delegations/{state.Id}", state);
    }
    catch (ArgumentException ex)
    {
        return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
    }
});
api.MapGet("/", (Delegations delegations) => Results.Ok(delegations.All()));
api.MapGet("/{id}", (string id, Delegations delegations) => delegations.Find(id) is { } state ? Results.Ok(state) : Results.NotFound());
api.MapGet("/{id}/events", (string id, Delegations delegations, CancellationToken cancellationToken) =>
    delegations.Events(id, cancellationToken) is { } events
        ? (IResult)TypedResults.ServerSentEvents(events, eventType: "delegation")
        : Results.NotFound());
api.MapPost("/{id}/cancel", (string id, Delegations delegations) => delegations.Cancel(id) ? Results.Accepted() : Results.NotFound());
app.MapWorkflowApi();

await app.StartAsync();
if (messages is not null)
{
    await Console.Error.WriteLineAsync($"SCRIPTED: ANTHROPIC_API_KEY is not set; agents run against a scripted Messages API at {messages.BaseUrl}.");
}

Console.WriteLine($"listening on {app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}");
await app.WaitForShutdownAsync();
