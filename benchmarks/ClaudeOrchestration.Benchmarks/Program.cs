using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable: dotnet run -c Release -- --filter '*Parsing*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
