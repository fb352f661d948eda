// A test-only MCP server for the official conformance suite: its fixtures plus the suite's own tools, resources and
// prompts, over Streamable HTTP (stateful, so server-to-client requests work) on 127.0.0.1 with a dynamic port.
// Prints "listening on <url>" to stdout once it accepts requests; stops when stdin closes.
using System.Text.Json;
using ClaudeOrchestration.Mcp.ConformanceHost;
using ClaudeOrchestration.Rag;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HostFiltering;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// The 2020-12 fixture's schema is written out: $schema, $defs and additionalProperties must reach the client unchanged.
var schemaTool = McpServerTool.Create(
    (string? name) => $"name={name}",
    new McpServerToolCreateOptions { Name = "json_schema_2020_12_tool", Description = "Tool with JSON Schema 2020-12 features" });
schemaTool.ProtocolTool.InputSchema = JsonElement.Parse("""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "$defs": { "address": { "type": "object", "properties": { "street": { "type": "string" }, "city": { "type": "string" } } } },
      "properties": { "name": { "type": "string" }, "address": { "$ref": "#/$defs/address" } },
      "additionalProperties": false
    }
    """);

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
// DNS-rebinding protection: only loopback names are accepted in the Host header.
builder.Services.Configure<HostFilteringOptions>(o => o.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
builder.Services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
builder.Services
    .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "claude-orchestration-conformance", Version = "1.0.0" })
    .WithHttpTransport(o => o.Stateless = false)
    .WithTools<ConformanceTools>()
    .WithTools([schemaTool])
    .WithResources<ConformanceResources>()
    .WithPrompts<ConformancePrompts>()
    .WithClaudeOrchestrationTools(o => o.Features = ClaudeOrchestration.Mcp.Server.ClaudeOrchestrationMcpFeatures.Knowledge | ClaudeOrchestration.Mcp.Server.ClaudeOrchestrationMcpFeatures.Contexts)
    .WithCompleteHandler((_, _) => ValueTask.FromResult(new CompleteResult { Completion = new Completion { Values = [], Total = 0, HasMore = false } }))
    .WithSetLoggingLevelHandler(async (context, cancellationToken) =>
    {
        await context.Server.SendNotificationAsync(
            NotificationMethods.LoggingMessageNotification,
            new LoggingMessageNotificationParams
            {
                Level = LoggingLevel.Info,
                Logger = "conformance-host",
                Data = JsonSerializer.SerializeToElement($"Log level set to {context.Params?.Level}", ConformanceJson.Default.String),
            },
            cancellationToken: cancellationToken);
        return new EmptyResult();
    });

var app = builder.Build();
app.UseHostFiltering();
app.MapMcp("/mcp");
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"listening on {address}");
await Console.In.ReadToEndAsync();
await app.StopAsync();
