using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json.Nodes;
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
/// transport in the same run, and the knowledge-base search the tool performs. Overhead beyond the search =
/// (rag_query − search in that call − echo) / rag_query, per call.
/// <c>dotnet run -c Release -- mcp [--copies 5,50] [--calls 2000] [--transports memory,stdio]</c>; the stdio server is
/// this executable started again as <c>mcp-host</c>.
/// </summary>
/// <remarks>
/// Both transports use the official SDK's client and server: in memory, a stream transport over two <see cref="Pipe"/>s
/// in this process; over stdio, a child process. The knowledge base is the in-memory store filled with
/// <see cref="IngestCorpus"/> repeated <c>--copies</c> times (hashing embedder, default hybrid search), one measurement per
/// value. The server's <see cref="IKnowledgeBase"/> is wrapped in a decorator that times each <c>SearchAsync</c>; a call
/// filter puts that time in the <c>rag_query</c> result's <c>_meta</c>, so every call's latency is paired with the
/// search that ran inside it (on the server, under the same conditions) rather than with a search timed apart.
/// A replay tool returns the very result object <c>rag_query</c> returned, splitting what remains into the answer's
/// bytes on the transport (replay − echo) and the tool's own code (rag_query − search − replay).
/// </remarks>
public static class McpToolOverheadRun
{
    private const string EchoTool = "echo";
    private const string SearchMetaKey = "benchmarkSearchMicroseconds";
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
        var copiesList = IntListOption(args, "--copies", "5");
        var calls = IntOption(args, "--calls", 2_000);
        var transports = StringOption(args, "--transports", "memory,stdio").Split(',');
        var rows = new List<string>();
        var summary = new List<string>();
        foreach (var copies in copiesList)
        {
            foreach (var transport in transports)
            {
                var label = string.Create(CultureInfo.InvariantCulture, $"{(transport == "memory" ? "in memory" : transport)}, {copies * IngestCorpus.ChunkCount:N0} chunks");
                var (callRows, summaryRow) = transport switch
                {
                    "memory" => await MeasureInMemoryAsync(label, copies, calls),
                    "stdio" => await MeasureStdioAsync(label, copies, calls),
                    _ => throw new ArgumentException($"Unknown transport '{transport}': use memory or stdio."),
                };
                rows.AddRange(callRows);
                summary.Add(summaryRow);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"top_k {TopK}, {calls:N0} calls of each kind, one at a time; corpus: {IngestCorpus.DocumentCount:N0} documents ({IngestCorpus.ChunkCount:N0} chunks) per copy");
        Console.WriteLine();
        Console.WriteLine("| Transport, corpus | Call | calls/s (1 / mean) | mean | p50 | p99 |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine();
        Console.WriteLine(SummaryHeader);
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in summary)
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

    private const string SummaryHeader =
        "| Transport, corpus | rag_query p50 | search inside the call p50 | echo p50 | **overhead beyond the search**, p50 of (rag_query − its search − echo) / rag_query p50 | of which the answer's bytes, (replay − echo) / rag_query | of which the tool's code, (rag_query − its search − replay) / rag_query |";

    private static async Task<(IEnumerable<string> Rows, string Summary)> MeasureInMemoryAsync(string label, int copies, int calls)
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
            return await MeasureAsync(label, client, knowledge, calls);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<(IEnumerable<string> Rows, string Summary)> MeasureStdioAsync(string label, int copies, int calls)
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
        return await MeasureAsync(label, client, knowledge, calls);
    }

    private static IMcpServerBuilder AddServices(IServiceCollection services)
    {
        services.AddLogging();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
        var registered = services.Single(d => d.ServiceType == typeof(IKnowledgeBase));
        services.Remove(registered);
        services.AddSingleton<IKnowledgeBase>(sp => new TimedKnowledgeBase(registered.ImplementationFactory is { } factory
            ? (IKnowledgeBase)factory(sp)
            : (IKnowledgeBase)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)));
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
                    // Calls are made one at a time, so the last search is this call's.
                    result.Meta = new JsonObject { [SearchMetaKey] = TimedKnowledgeBase.LastSearchMicroseconds };
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

    private static async Task<(IEnumerable<string> Rows, string Summary)> MeasureAsync(string transport, McpClient client, IKnowledgeBase knowledge, int calls)
    {
        // The search inside the latest rag_query call, read from its result's _meta.
        var searchInCall = 0.0;
        var kinds = new (string Name, Func<string, Task> Call)[]
        {
            ("bare `echo` tool", q => CallAsync(client, EchoTool, new Dictionary<string, object?> { ["text"] = q })),
            ("`rag_query` tool (top_k 5)", async q =>
            {
                var result = await CallAsync(client, ClaudeOrchestrationMcpNames.RagQuery, new Dictionary<string, object?> { ["query"] = q, ["top_k"] = TopK });
                searchInCall = result.Meta?[SearchMetaKey]?.GetValue<double>()
                    ?? throw new InvalidOperationException("rag_query's result carries no search time in _meta.");
            }),
            ("replay of `rag_query`'s result (same bytes, no search)", q => CallAsync(client, ReplayTool, new Dictionary<string, object?> { ["query"] = q, ["top_k"] = TopK })),
            ("`IKnowledgeBase.SearchAsync` called directly, back to back (for reference)", q => knowledge.SearchAsync(q, new KnowledgeSearchOptions { Top = TopK })),
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
        var searches = new List<double>(calls);
        var ragBeyondSearch = new List<double>(calls);
        var perRound = Math.Max(1, calls / Rounds);
        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                for (var i = 0; i < perRound; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await kinds[k].Call(Queries[i % Queries.Length]);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                    latencies[k].Add(elapsed);
                    if (k == 1)
                    {
                        searches.Add(searchInCall);
                        ragBeyondSearch.Add(elapsed - searchInCall);
                    }
                }
            }
        }

        var stats = latencies.Append(searches).Select(Stats).ToArray();
        var names = kinds.Select(k => k.Name).Append("search inside each `rag_query` call (timed on the server)").ToArray();
        var rows = names.Select((name, k) => string.Create(CultureInfo.InvariantCulture,
            $"| {transport} | {name} | {1_000_000 / stats[k].Mean:N0} | {stats[k].Mean:N0} µs | {stats[k].P50:N0} µs | {stats[k].P99:N0} µs |")).ToList();
        var (echo, rag, replay, inCall) = (stats[0], stats[1], stats[2], stats[4]);
        var beyond = Stats(ragBeyondSearch);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"| {transport} | {rag.P50:N0} µs | {inCall.P50:N0} µs | {echo.P50:N0} µs | **{(beyond.P50 - echo.P50) / rag.P50:P1}** | {(replay.P50 - echo.P50) / rag.P50:P1} | {(beyond.P50 - replay.P50) / rag.P50:P1} |");
        foreach (var row in rows.Append(summary))
        {
            Console.WriteLine(row);
        }

        return (rows, summary);
    }

    private static (double Mean, double P50, double P99) Stats(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return (sorted.Average(), Percentile(sorted, 0.50), Percentile(sorted, 0.99));
    }

    private static async Task<CallToolResult> CallAsync(McpClient client, string tool, IReadOnlyDictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"Tool '{tool}' failed: {string.Join(' ', result.Content.OfType<TextContentBlock>().Select(c => c.Text))}");
        }

        return result;
    }

    /// <summary>Times each search of the knowledge base it wraps; the rest passes through.</summary>
    private sealed class TimedKnowledgeBase(IKnowledgeBase inner) : IKnowledgeBase
    {
        private static long _lastSearchTicks;

        public static double LastSearchMicroseconds => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _lastSearchTicks)).TotalMicroseconds;

        public long Version => inner.Version;

        public Task<KnowledgeWriteResult> AddOrUpdateAsync(KnowledgeDocument document, CancellationToken cancellationToken = default) =>
            inner.AddOrUpdateAsync(document, cancellationToken);

        public Task<StoredKnowledgeDocument?> GetAsync(string documentId, CancellationToken cancellationToken = default) =>
            inner.GetAsync(documentId, cancellationToken);

        public Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken = default) => inner.DeleteAsync(documentId, cancellationToken);

        public async Task<IReadOnlyList<KnowledgeSearchResult>> SearchAsync(string query, KnowledgeSearchOptions? options = null, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await inner.SearchAsync(query, options, cancellationToken);
            }
            finally
            {
                Volatile.Write(ref _lastSearchTicks, Stopwatch.GetTimestamp() - started);
            }
        }

        public Task<DirectoryIngestResult> IngestDirectoryAsync(
            string directory, DirectoryIngestOptions? options = null, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
            inner.IngestDirectoryAsync(directory, options, progress, cancellationToken);
    }
}
