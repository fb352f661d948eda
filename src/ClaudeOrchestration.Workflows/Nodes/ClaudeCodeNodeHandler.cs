using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Delegation;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.Workflows.Definitions;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Workflows.Nodes;

/// <summary>
/// Runs a <c>claude_code</c> node: a Claude Code agent task through Core's delegator (when <c>taskType</c> is set), a
/// pooled warm session (when <c>session</c> is set), or the client. The run's cancellation stops the Claude process.
/// </summary>
/// <remarks>
/// Inputs: <c>prompt</c> (required), <c>taskType</c> (a <see cref="ClaudeTaskType"/> name), <c>session</c> (pool key),
/// <c>model</c>, <c>maxTurns</c>, <c>maxBudgetUsd</c>, <c>workingDirectory</c>, <c>permissionMode</c>, <c>tools</c>,
/// <c>allowedTools</c>, <c>systemPrompt</c>, <c>appendSystemPrompt</c>. Outputs: <c>text</c>, <c>sessionId</c>,
/// <c>costUsd</c>, <c>turns</c>, <c>structured</c> (when the agent returned structured output).
/// </remarks>
public sealed class ClaudeCodeNodeHandler : WorkflowNodeHandler
{
    internal static readonly IReadOnlyList<WorkflowNodeInput> InputSpecs =
    [
        WorkflowNodeInput.Require("prompt", WorkflowValueType.String),
        WorkflowNodeInput.Optional("taskType", WorkflowValueType.String),
        WorkflowNodeInput.Optional("session", WorkflowValueType.String),
        WorkflowNodeInput.Optional("model", WorkflowValueType.String),
        WorkflowNodeInput.Optional("maxTurns", WorkflowValueType.Integer),
        WorkflowNodeInput.Optional("maxBudgetUsd", WorkflowValueType.Number),
        WorkflowNodeInput.Optional("workingDirectory", WorkflowValueType.String),
        WorkflowNodeInput.Optional("permissionMode", WorkflowValueType.String),
        WorkflowNodeInput.Optional("tools", WorkflowValueType.Array),
        WorkflowNodeInput.Optional("allowedTools", WorkflowValueType.Array),
        WorkflowNodeInput.Optional("systemPrompt", WorkflowValueType.String),
        WorkflowNodeInput.Optional("appendSystemPrompt", WorkflowValueType.String),
    ];

    /// <inheritdoc />
    public override string NodeType => WorkflowNodeTypes.ClaudeCode;

    /// <inheritdoc />
    public override IReadOnlyList<WorkflowNodeInput> Inputs => InputSpecs;

    /// <inheritdoc />
    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var prompt = context.GetRequiredString("prompt");
        var taskId = $"{context.IdempotencyKey}#{context.Attempt}";
        var options = new ClaudeRunOptions
        {
            Model = context.GetString("model"),
            MaxTurns = context.GetInt32("maxTurns"),
            MaxBudgetUsd = context.GetDecimal("maxBudgetUsd"),
            WorkingDirectory = context.GetString("workingDirectory"),
            PermissionMode = context.GetString("permissionMode") is { } mode
                ? Enum.TryParse<ClaudePermissionMode>(mode, ignoreCase: true, out var parsed) ? parsed
                    : throw new WorkflowNodeException($"Node '{context.NodePath}': permissionMode '{mode}' is not one of {string.Join(", ", Enum.GetNames<ClaudePermissionMode>())}.") { Transient = false }
                : null,
            Tools = context.GetStringList("tools"),
            AllowedTools = context.GetStringList("allowedTools"),
            SystemPrompt = context.GetString("systemPrompt"),
            AppendSystemPrompt = context.GetString("appendSystemPrompt"),
            TaskId = taskId,
        };

        if (context.GetString("taskType") is { } taskTypeName)
        {
            return await DelegateAsync(context, taskTypeName, prompt, taskId, options, cancellationToken).ConfigureAwait(false);
        }

        if (context.GetString("session") is { } sessionKey)
        {
            var pool = context.Services.GetService<ClaudeSessionPool>()
                ?? throw new WorkflowNodeException($"Node '{context.NodePath}' asks for session '{sessionKey}', but no ClaudeSessionPool is registered (AddClaudeSessions()).") { Transient = false };
            var lease = await pool.GetOrCreateAsync(sessionKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                return await ConsumeAsync(context, lease.Session.SendAsync(prompt, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }

        var client = context.Services.GetService<IClaudeClient>()
            ?? throw new WorkflowNodeException($"Node '{context.NodePath}' needs an IClaudeClient; call AddClaudeOrchestration().") { Transient = false };
        return await ConsumeAsync(context, client.StreamAsync(prompt, options, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<WorkflowNodeResult> DelegateAsync(
        WorkflowNodeContext context, string taskTypeName, string prompt, string taskId, ClaudeRunOptions options, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<ClaudeTaskType>(taskTypeName, ignoreCase: true, out var taskType))
        {
            throw new WorkflowNodeException($"Node '{context.NodePath}': taskType '{taskTypeName}' is not one of {string.Join(", ", Enum.GetNames<ClaudeTaskType>())}.") { Transient = false };
        }

        var delegator = context.Services.GetService<IClaudeTaskDelegator>()
            ?? throw new WorkflowNodeException($"Node '{context.NodePath}' needs an IClaudeTaskDelegator; call AddClaudeOrchestration().") { Transient = false };
        var result = await delegator.DelegateAsync(new DelegationRequest
        {
            Id = taskId,
            TaskType = taskType,
            Description = prompt,
            WorkingDirectory = options.WorkingDirectory,
            RunOptions = options,
        }, cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case DelegationStatus.Succeeded:
                return new WorkflowNodeResult
                {
                    Outputs = Outputs(result.Output ?? result.Run?.Text, result.Run?.SessionId, result.Run?.TotalCostUsd ?? 0, result.Run?.NumTurns ?? 0, result.Run?.StructuredOutput),
                    CostUsd = result.Run?.TotalCostUsd ?? 0,
                    Turns = result.Run?.NumTurns ?? 0,
                };
            case DelegationStatus.Cancelled:
                cancellationToken.ThrowIfCancellationRequested();
                throw new WorkflowNodeException($"The agent task of node '{context.NodePath}' was cancelled: {result.Reason}", result.Error);
            default:
                throw new WorkflowNodeException($"The agent task of node '{context.NodePath}' {result.Status.ToString().ToLowerInvariant()}: {result.Reason}", result.Error);
        }
    }

    private static async Task<WorkflowNodeResult> ConsumeAsync(WorkflowNodeContext context, IAsyncEnumerable<ClaudeMessage> messages, CancellationToken cancellationToken)
    {
        ResultMessage? result = null;
        await foreach (var message in messages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (message)
            {
                case AssistantMessage assistant:
                    foreach (var block in assistant.Content)
                    {
                        if (block is TextBlock text)
                        {
                            context.ReportText(text.Text);
                        }
                    }

                    break;
                case ResultMessage r:
                    result = r;
                    break;
                default:
                    break;
            }
        }

        if (result is null)
        {
            throw new WorkflowNodeException($"The agent of node '{context.NodePath}' ended without a result.");
        }

        var cost = (decimal)result.TotalCostUsd;
        if (result.IsError)
        {
            throw new WorkflowNodeException(
                $"The agent of node '{context.NodePath}' ended with an error ({result.Subtype}): {string.Join("; ", result.Errors.DefaultIfEmpty(result.Result ?? "no detail"))}");
        }

        return new WorkflowNodeResult
        {
            Outputs = Outputs(result.Result, result.SessionId, cost, result.NumTurns, result.StructuredOutput),
            CostUsd = cost,
            Turns = result.NumTurns,
        };
    }

    private static Dictionary<string, JsonNode?> Outputs(string? text, string? sessionId, decimal cost, int turns, JsonElement? structured) => new(StringComparer.Ordinal)
    {
        ["text"] = text ?? "",
        ["sessionId"] = sessionId,
        ["costUsd"] = cost,
        ["turns"] = turns,
        ["structured"] = structured is { } s ? JsonNode.Parse(s.GetRawText()) : null,
    };
}
