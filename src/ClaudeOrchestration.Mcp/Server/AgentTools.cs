using System.ComponentModel;
using System.Globalization;
using System.Text;
using ClaudeOrchestration.Delegation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>
/// The agent tools: each call runs one Claude Code agent through <see cref="IClaudeTaskDelegator"/>. Cancelling the MCP
/// request cancels the agent (its process tree ends); progress is reported when the client asked for it.
/// </summary>
internal sealed class AgentTools(
    IClaudeTaskDelegator delegator,
    IOptionsMonitor<ClaudeOrchestrationOptions> orchestration,
    IOptionsMonitor<ClaudeOrchestrationMcpOptions> options,
    ILogger<AgentTools>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<AgentTools>.Instance;

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.CodeGeneration, Title = "Generate code with a Claude Code agent",
        Destructive = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(AgentTaskResult))]
    [Description("Runs a Claude Code agent that writes code in a project directory and returns its summary. Long-running: reports progress and can be cancelled.")]
    public Task<CallToolResult> CodeGenerationAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The programming language, e.g. C#, TypeScript, Python.")] string language,
        [Description("What to write, in plain words.")] string description,
        [Description("Requirements the code must meet, one per item.")] IReadOnlyList<string>? requirements = null,
        [Description("The project directory to work in; must lie under the server's allowed roots. Defaults to the server's working directory.")] string? project_path = null,
        CancellationToken cancellationToken = default)
    {
        var limits = options.CurrentValue;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["language"] = ToolArguments.RequireText(language, nameof(language), 200),
        };
        ToolArguments.RequireText(description, nameof(description), limits.MaxArgumentCharacters);
        if (requirements is { Count: > 0 })
        {
            parameters["requirements"] = string.Join("; ", requirements.Select((r, i) => ToolArguments.RequireText(r, $"requirements[{i}]", limits.MaxArgumentCharacters)));
        }

        var directory = ToolArguments.ResolveDirectory(project_path, nameof(project_path), orchestration.CurrentValue);
        return RunAsync(ClaudeOrchestrationMcpNames.CodeGeneration, ClaudeTaskType.CodeGeneration, description, parameters, directory, null, limits.AgentRunOptions, request, cancellationToken);
    }

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.CodeReview, Title = "Review code with a Claude Code agent",
        ReadOnly = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(AgentTaskResult))]
    [Description("Runs a read-only Claude Code agent that reviews a file or directory and reports findings, most severe first. Long-running: reports progress and can be cancelled.")]
    public Task<CallToolResult> CodeReviewAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The file or directory to review; relative paths are taken from project_path.")] string file_path,
        [Description("What to look at, e.g. security, performance, error handling.")] IReadOnlyList<string>? focus_areas = null,
        [Description("The project directory; must lie under the server's allowed roots. Defaults to the server's working directory.")] string? project_path = null,
        CancellationToken cancellationToken = default)
    {
        var limits = options.CurrentValue;
        var settings = orchestration.CurrentValue;
        var directory = ToolArguments.ResolveDirectory(project_path, nameof(project_path), settings);
        var target = ToolArguments.ResolveFile(file_path, nameof(file_path), directory, settings);
        directory ??= Directory.Exists(target) ? target : Path.GetDirectoryName(target);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["path"] = target };
        if (focus_areas is { Count: > 0 })
        {
            parameters["focus_areas"] = string.Join(", ", focus_areas.Select((f, i) => ToolArguments.RequireText(f, $"focus_areas[{i}]", 500)));
        }

        var run = limits.AgentRunOptions with { Tools = [.. limits.ReviewTools], AllowedTools = [.. limits.ReviewTools] };
        return RunAsync(ClaudeOrchestrationMcpNames.CodeReview, ClaudeTaskType.CodeReview, target, parameters, directory, null, run, request, cancellationToken);
    }

    [McpServerTool(Name = ClaudeOrchestrationMcpNames.DelegateTask, Title = "Delegate a task to a Claude Code agent",
        Destructive = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(AgentTaskResult))]
    [Description("Runs a Claude Code agent on a typed task (its prompt template is applied) and returns the result. Long-running: reports progress and can be cancelled.")]
    public Task<CallToolResult> DelegateTaskAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The kind of task: CodeGeneration, CodeReview, FileOperation, GitOperation, TestExecution, Documentation or Debugging.")] string task_type,
        [Description("What to do, in plain words.")] string description,
        [Description("Named values the task template quotes and lists under the description.")] IReadOnlyDictionary<string, string>? parameters = null,
        [Description("Background about the project (stack, conventions).")] string? project_context = null,
        [Description("The project directory to work in; must lie under the server's allowed roots. Defaults to the server's working directory.")] string? project_path = null,
        CancellationToken cancellationToken = default)
    {
        var limits = options.CurrentValue;
        var type = ParseTaskType(task_type);
        ToolArguments.RequireText(description, nameof(description), limits.MaxArgumentCharacters);
        var context = ToolArguments.OptionalText(project_context, nameof(project_context), limits.MaxArgumentCharacters);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters ?? new Dictionary<string, string>())
        {
            values[ToolArguments.RequireText(name, "parameters (a name)", 200)] = ToolArguments.RequireText(value, $"parameters.{name}", limits.MaxArgumentCharacters);
        }

        var directory = ToolArguments.ResolveDirectory(project_path, nameof(project_path), orchestration.CurrentValue);
        return RunAsync(ClaudeOrchestrationMcpNames.DelegateTask, type, description, values, directory, context, limits.AgentRunOptions, request, cancellationToken);
    }

    internal static ClaudeTaskType ParseTaskType(string? value)
    {
        var text = value?.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(text) && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            && Enum.TryParse<ClaudeTaskType>(text, ignoreCase: true, out var type) && Enum.IsDefined(type))
        {
            return type;
        }

        throw new McpException($"'task_type' must be one of {string.Join(", ", Enum.GetNames<ClaudeTaskType>())}; got '{Truncate(value)}'.");
    }

    private async Task<CallToolResult> RunAsync(
        string tool,
        ClaudeTaskType type,
        string description,
        IReadOnlyDictionary<string, string> parameters,
        string? directory,
        string? projectContext,
        ClaudeRunOptions runOptions,
        RequestContext<CallToolRequestParams> request,
        CancellationToken cancellationToken)
    {
        var delegation = new DelegationRequest
        {
            Id = $"mcp-{tool}-{Guid.NewGuid():N}",
            TaskType = type,
            Description = description,
            Parameters = parameters,
            WorkingDirectory = directory,
            ProjectContext = projectContext,
            RunOptions = runOptions,
        };

        await ToolArguments.ReportProgressAsync(request, new ProgressNotificationValue { Progress = 0, Total = 1, Message = $"Starting a Claude Code agent ({type}) in {directory ?? "the server's directory"}." }).ConfigureAwait(false);
        ServerLog.AgentTaskStarted(_logger, tool, delegation.Id, directory);
        DelegationResult result;
        try
        {
            result = await delegator.DelegateAsync(delegation, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new McpException(ToolArguments.Safe(ex.Message), ex);
        }

        ServerLog.AgentTaskEnded(_logger, tool, delegation.Id, result.Status.ToString());
        cancellationToken.ThrowIfCancellationRequested();
        if (result.Status != DelegationStatus.Succeeded)
        {
            throw new McpException($"The {type} agent {result.Status.ToString().ToLowerInvariant()}: {ToolArguments.Safe(result.Reason)}");
        }

        await ToolArguments.ReportProgressAsync(request, new ProgressNotificationValue { Progress = 1, Total = 1, Message = "The agent finished." }).ConfigureAwait(false);
        var run = result.Run;
        var value = new AgentTaskResult
        {
            TaskId = result.Id,
            TaskType = type.ToString(),
            Status = result.Status.ToString(),
            Output = result.Output,
            WorkingDirectory = directory,
            SessionId = run?.SessionId,
            Turns = run?.NumTurns ?? 0,
            CostUsd = run?.TotalCostUsd ?? 0,
            InputTokens = run?.InputTokens ?? 0,
            OutputTokens = run?.OutputTokens ?? 0,
            DurationMs = (long)(run?.Duration.TotalMilliseconds ?? 0),
        };

        var text = new StringBuilder(result.Output ?? "(the agent returned no text)");
        text.Append("\n\n[").Append(type).Append(" task ").Append(result.Id).Append(": ").Append(value.Turns).Append(" turns");
        if (value.SessionId is not null)
        {
            text.Append(", session ").Append(value.SessionId);
        }

        text.Append(']');
        return ToolArguments.Result(text.ToString(), value, McpContractsJsonContext.Default.AgentTaskResult);
    }

    private static string Truncate(string? value) => value is null ? string.Empty : value.Length <= 40 ? value : value[..40] + "…";
}
