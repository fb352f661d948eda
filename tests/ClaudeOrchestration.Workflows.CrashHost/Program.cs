// Usage: CrashHost <database> <run id> <signal directory>
// Starts the crash-test workflow with SQLite checkpoints and blocks at the gate until the test kills the process.
using ClaudeOrchestration.Workflows.CrashHost;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Options;

var (database, runId, directory) = (args[0], args[1], args[2]);
await using var store = new SqliteWorkflowRunStore(database);
// A long claim: the test checks that another process cannot resume the run while the claim of this (killed) one lasts.
var options = Options.Create(new WorkflowEngineOptions { RunClaimDuration = TimeSpan.FromMinutes(10) });
await using var engine = new WorkflowEngine(store, [new SideEffectHandler(directory), new GateHandler(directory, block: true)], options);
var run = await engine.StartAsync(CrashWorkflow.Definition, options: new WorkflowRunOptions { RunId = runId });
var result = await run.Completion;
Console.WriteLine($"The run ended without being killed: {result.Status} {result.Error}");
return 1;
