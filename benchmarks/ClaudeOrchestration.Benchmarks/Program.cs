using BenchmarkDotNet.Running;

// Retrieval quality on CISI (not a timing benchmark): dotnet run -c Release -- quality [path-to-ir-folder] [--no-semantic]
if (args is ["quality", .. var rest])
{
    return await ClaudeOrchestration.Benchmarks.Quality.RetrievalQualityRun.RunAsync(rest);
}

// The same search on every vector store, ingest first (not BenchmarkDotNet): dotnet run -c Release -- stores [--count N]
if (args is ["stores", .. var storeArgs])
{
    return await ClaudeOrchestration.Benchmarks.VectorSearch.StoreComparisonRun.RunAsync(storeArgs);
}

// MCP tool-call overhead, rag_query next to an echo tool, in memory and over stdio: dotnet run -c Release -- mcp
if (args is ["mcp", .. var mcpArgs])
{
    return await ClaudeOrchestration.Benchmarks.Mcp.McpToolOverheadRun.RunAsync(mcpArgs);
}

// The stdio server the mcp mode starts as a child process.
if (args is ["mcp-host", .. var hostArgs])
{
    return await ClaudeOrchestration.Benchmarks.Mcp.McpToolOverheadRun.RunHostAsync(hostArgs);
}

// Every benchmark class in this assembly is reachable: dotnet run -c Release -- --filter '*Parsing*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
