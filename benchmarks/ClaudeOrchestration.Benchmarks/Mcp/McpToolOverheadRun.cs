using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using ClaudeOrchestration.Benchmarks.Ingest;
using ClaudeOrchestration.Mcp.Server;
using ClaudeOrchestration.Rag;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using static ClaudeOrchestration.Benchmarks.StopwatchRuns;

namespace ClaudeOrchestration.Benchmarks.Mcp;

/// <summary>
/// Issue 9: calls per second and p50/p99 of the MCP <c>rag_query</c> tool next to a bare <c>echo</c> tool on the same
/// transport in the same run, and the knowledge-base search the tool performs, called directly. Overhead beyond the
/// search = (rag_query − echo − search) / rag_query.
/// <c>dotnet run -c Release -- mcp [--copies 5] [--calls 2000] [--transports memory,stdio]</c>; the stdio server is this
/// executable started again as <c>mcp-host</c>.
/// </summary>
/// <remarks>
/// Both transports use the official SDK's client and server: in memory, a stream transport over two <see cref="Pipe"/>s
/// in this process; over stdio, a child process. The knowledge base is the in-memory store filled with
/// <see cref="IngestCorpus"/> repeated <c>--copies</c> times (hashing embedder, default hybrid search). For stdio the
/// direct search runs on an identical knowledge base in this process, since the server's runs in the child.
/// </remarks>
public static class McpToolOverheadRun
{
    private const string EchoTool = "echo";
    private const string ReplayTool = "rag_query_replay";

    private static readonly ConcurrentDictionary<string, CallToolResult> Replays = new(StringComparer.Ordinal);
    private const int TopK = 5;
    private const int Rounds = 10;

    private static readonly string[] Queries =
    [
        "vector store persists checkpoint", "retry policy timeout", "session cache expires", "tokenizer splits chunk",
        "workflow restores record", "embedding index rebuilds", "knowledge base filters project", "agent prompt response",
        "transaction flushes database file", "schema validates configuration", "benchmark reports collection", "query ranks chunk",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var copies = IntOption(args, "--copies", 5);
        var calls = IntOption(args, "--calls", 2_000);
        var transports = StringOption(args, "--transports", "memory,stdio").Split(',');
        var rows = new List<string>();
        foreach (var transport in transports)
        {
            rows.AddRange(transport switch
            {
                "memory" => await MeasureInMemoryAsync(copies, calls),
                "stdio" => await MeasureStdioAsync(copies, calls),
                _ => throw new ArgumentException($"Unknown transport '{transport}': use memory or stdio."),
            });
        }

        Console.WriteLine();
        Console.WriteLine($"{copies * IngestCorpus.DocumentCount:N0} documents ({copies * IngestCorpus.ChunkCount:N0} chunks), top_k {TopK}, {calls:N0} calls of each kind, one at a time");
        Console.WriteLine();
        Console.WriteLine("| Transport | Call | calls/s | mean | p50 | p99 |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    /// <summary>The stdio server the <c>stdio</c> measurement starts: <c>mcp-host [--copies N]</c>. Only MCP goes to stdout.</summary>
    public static async Task<int> RunHostAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        AddServices(builder.Services).WithStdioServerTransport();
        using var host = builder.Build();
        await SeedAsync(host.Services.GetRequiredService<IKnowledgeBase>(), IntOption(args, "--copies", 5));
        await host.RunAsync();
        return 0;
    }

    private static async Task<IEnumerable<string>> MeasureInMemoryAsync(int copies, int calls)
    {
        var pipes = (ClientToServer: new Pipe(), ServerToClient: new Pipe());
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        AddServices(builder.Services).WithStreamServerTransport(pipes.ClientToServer.Reader.AsStream(), pipes.ServerToClient.Writer.AsStream());
        using var host = builder.Build();
        var knowledge = host.Services.GetRequiredService<IKnowledgeBase>();
        await SeedAsync(knowledge, copies);
        await host.StartAsync();
        try
        {
            await using var client = await McpClient.CreateAsync(
                new StreamClientTransport(pipes.ClientToServer.Writer.AsStream(), pipes.ServerToClient.Reader.AsStream()));
            return await MeasureAsync("in-memory (stream over pipes)", client, knowledge, calls);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<IEnumerable<string>> MeasureStdioAsync(int copies, int calls)
    {
        // The same knowledge base as the child's, for the direct search.
        var services = new ServiceCollection();
        AddServices(services);
        await using var provider = services.BuildServiceProvider();
        var knowledge = provider.GetRequiredService<IKnowledgeBase>();
        await SeedAsync(knowledge, copies);

        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "bench-host",
            Command = "dotnet",
            Arguments = [typeof(McpToolOverheadRun).Assembly.Location, "mcp-host", "--copies", copies.ToString(CultureInfo.InvariantCulture)],
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = TimeSpan.FromMinutes(5) });
        return await MeasureAsync("stdio (child process)", client, knowledge, calls);
    }

    private static IMcpServerBuilder AddServices(IServiceCollection services)
    {
        services.AddLogging();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
        return services
            .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "bench", Version = "1.0.0" })
            .WithClaudeOrchestrationTools(o => o.Features = ClaudeOrchestrationMcpFeatures.Knowledge)
            .WithTools(
            [
                McpServerTool.Create((string text) => text, new McpServerToolCreateOptions { Name = EchoTool, Description = "Returns its argument." }),
                McpServerTool.Create((string query, int top_k) => "not replayed yet", new McpServerToolCreateOptions { Name = ReplayTool, Description = "Replays rag_query's last result for the query." }),
            ])
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => async (context, cancellationToken) =>
            {
                // The replay tool answers with the very result object rag_query returned for the same query, so the two
                // differ only by the tool's own work (arguments, search, result building), not by what goes over the wire.
                var query = context.Params?.Arguments is { } a && a.TryGetValue("query", out var q) ? q.GetString() ?? string.Empty : string.Empty;
                if (context.Params?.Name == ReplayTool && Replays.TryGetValue(query, out var replay))
                {
                    return replay;
                }

                var result = await next(context, cancellationToken);
                if (context.Params?.Name == ClaudeOrchestrationMcpNames.RagQuery)
                {
                    Replays[query] = result;
                }

                return result;
            }));
    }

    private static async Task SeedAsync(IKnowledgeBase knowledge, int copies)
    {
        for (var c = 0; c < copies; c++)
        {
            foreach (var document in IngestCorpus.Documents)
            {
                _ = await knowledge.AddOrUpdateAsync(new KnowledgeDocument
                {
                    Id = $"{document.Id}#{c}",
                    Text = document.Text,
                    Project = document.Project,
                    SourcePath = document.SourcePath,
                    Tags = document.Tags,
                });
            }
        }
    }

    private static async Task<IEnumerable<string>> MeasureAsync(string transport, McpClient client, IKnowledgeBase knowledge, int calls)
    {
        var kinds = new (string Name, Func<string, Task> Call)[]
        {
            ("bare `echo` tool", q => CallAsync(client, EchoTool, new Dictionary<string, object?> { ["text"] = q })),
            ("`rag_query` tool (top_k 5)", q => CallAsync(client, ClaudeOrchestrationMcpNames.RagQuery, new Dictionary<string, object?> { ["query"] = q, ["top_k"] = TopK })),
            ("replay of `rag_query`'s result (same bytes, no search)", q => CallAsync(client, ReplayTool, new Dictionary<string, object?> { ["query"] = q, ["top_k"] = TopK })),
            ("`IKnowledgeBase.SearchAsync` directly (the tool's search)", q => knowledge.SearchAsync(q, new KnowledgeSearchOptions { Top = TopK })),
        };

        // Warm-up, then rounds that alternate the kinds so that load from other processes hits all of them alike.
        foreach (var (_, call) in kinds)
        {
            for (var i = 0; i < 200; i++)
            {
                await call(Queries[i % Queries.Length]);
            }
        }

        var latencies = kinds.Select(_ => new List<double>(calls)).ToArray();
        var perRound = Math.Max(1, calls / Rounds);
        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                for (var i = 0; i < perRound; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await kinds[k].Call(Queries[i % Queries.Length]);
                    latencies[k].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                }
            }
        }

        var stats = latencies.Select(l =>
        {
            var sorted = l.Order().ToArray();
            return (Mean: sorted.Average(), P50: Percentile(sorted, 0.50), P99: Percentile(sorted, 0.99));
        }).ToArray();
        var rows = kinds.Select((kind, k) => string.Create(CultureInfo.InvariantCulture,
            $"| {transport} | {kind.Name} | {1_000_000 / stats[k].Mean:N0} | {stats[k].Mean:N0} µs | {stats[k].P50:N0} µs | {stats[k].P99:N0} µs |")).ToList();
        var (echo, rag, replay, search) = (stats[0], stats[1], stats[2], stats[3]);
        rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {transport} | overhead beyond the search, (rag − echo − search) / rag | | {(rag.Mean - echo.Mean - search.Mean) / rag.Mean:P1} | {(rag.P50 - echo.P50 - search.P50) / rag.P50:P1} | |"));
        rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {transport} | the tool's own code, (rag − replay − search) / rag | | {(rag.Mean - replay.Mean - search.Mean) / rag.Mean:P1} | {(rag.P50 - replay.P50 - search.P50) / rag.P50:P1} | |"));
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return rows;
    }

    private static async Task CallAsync(McpClient client, string tool, IReadOnlyDictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"Tool '{tool}' failed: {string.Join(' ', result.Content.OfType<TextContentBlock>().Select(c => c.Text))}");
        }
    }
}
