using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Diagnostics;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Workflows.DependencyInjection;

/// <summary>Checks <see cref="WorkflowEngineOptions"/> at start-up with messages that say how to fix a value.</summary>
internal sealed class WorkflowEngineOptionsValidator : IValidateOptions<WorkflowEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkflowEngineOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrency < 1)
        {
            failures.Add($"{WorkflowEngineOptions.SectionName}:MaxConcurrency is {options.MaxConcurrency}; set it to 1 or more.");
        }

        if (options.MaxLoopIterations < 1)
        {
            failures.Add($"{WorkflowEngineOptions.SectionName}:MaxLoopIterations is {options.MaxLoopIterations}; set it to 1 or more.");
        }

        if (options.DefaultApprovalTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"{WorkflowEngineOptions.SectionName}:DefaultApprovalTimeout is {timeout}; set a positive duration, or leave it empty to wait forever.");
        }

        if (options.RunClaimDuration < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{WorkflowEngineOptions.SectionName}:RunClaimDuration is {options.RunClaimDuration}; set it to 00:00:01 or more.");
        }

        if (!Enum.IsDefined(options.Storage))
        {
            failures.Add($"{WorkflowEngineOptions.SectionName}:Storage is {options.Storage}; use Sqlite or InMemory.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>A definition added with <c>AddWorkflowDefinition</c>.</summary>
internal sealed record WorkflowDefinitionRegistration(WorkflowDefinition Definition);

/// <summary>A folder of JSON definitions for the catalog, from <c>AddWorkflowDefinitionsFromDirectory</c>.</summary>
internal sealed record WorkflowDirectoryRegistration(string Directory);

/// <summary>Resumes unfinished runs at start-up (when asked) and stops active runs, resumable, at shut-down.</summary>
internal sealed class WorkflowEngineHostedService(
    WorkflowEngine engine, IWorkflowRunStore store, IOptions<WorkflowEngineOptions> options, ILogger<WorkflowEngineHostedService>? logger = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ResumeOnStart)
        {
            return;
        }

        foreach (var status in new[] { WorkflowRunStatus.Running, WorkflowRunStatus.WaitingForApproval })
        {
            await foreach (var run in store.EnumerateRunsAsync(status, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (await engine.ResumeCoreAsync(run.RunId, skipIfClaimed: true, cancellationToken).ConfigureAwait(false) is null)
                {
                    Log.ResumeSkippedClaimed(logger ?? (ILogger)NullLogger.Instance, run.RunId);
                }
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await engine.DisposeAsync().ConfigureAwait(false);
}
