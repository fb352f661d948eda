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

// Every benchmark class in this assembly is reachable: dotnet run -c Release -- --filter '*Parsing*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
