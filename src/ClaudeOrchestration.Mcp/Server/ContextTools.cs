using System.ComponentModel;
using ClaudeOrchestration.Rag.Context;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>The agent-context tool on top of <see cref="IContextManager"/>.</summary>
internal sealed class ContextTools(
    IContextManager contexts,
    ResourceSubscriptions subscriptions,
    IOptionsMonitor<ClaudeOrchestrationMcpOptions> options)
{
    [McpServerTool(Name = ClaudeOrchestrationMcpNames.ContextUpdate, Title = "Change an agent context",
        Destructive = true, UseStructuredContent = true, OutputSchemaType = typeof(ContextSnapshot))]
    [Description(
        "Creates, changes or removes an agent context (working context, project, preferences, memory). " +
        "add: creates the context if needed, sets the given fields, merges preferences and appends memory. " +
        "update: the context must exist; sets the given fields and preferences, appends memory. " +
        "remove: without context_data deletes the whole context; with it, clears the given fields, removes the named preference keys and forgets the given memory facts.")]
    public async Task<CallToolResult> ContextUpdateAsync(
        [Description("The context's id (letters, digits, '-', '_', '.', ':'; at most 200 characters).")] string session_id,
        [Description("add, update or remove.")] string operation,
        [Description("The fields to set or remove.")] ContextData? context_data = null,
        CancellationToken cancellationToken = default)
    {
        var id = CheckId(session_id);
        var op = operation?.Trim().ToLowerInvariant();
        if (op is not ("add" or "update" or "remove"))
        {
            throw new McpException($"'operation' must be add, update or remove; got '{operation}'.");
        }

        CheckData(context_data, options.CurrentValue.MaxArgumentCharacters);
        AgentContext? saved;
        try
        {
            saved = op switch
            {
                "add" => await AddAsync(id, context_data, cancellationToken).ConfigureAwait(false),
                "update" => await contexts.UpdateContextAsync(id, c => Apply(c, context_data), cancellationToken).ConfigureAwait(false),
                _ => await RemoveAsync(id, context_data, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (AgentContextNotFoundException)
        {
            throw new McpException($"There is no context '{id}'. Create it with operation 'add'.");
        }

        await subscriptions.NotifyUpdatedAsync(ClaudeOrchestrationMcpNames.SessionUri(id), cancellationToken).ConfigureAwait(false);
        await subscriptions.NotifyUpdatedAsync(ClaudeOrchestrationMcpNames.SessionsUri, cancellationToken).ConfigureAwait(false);

        var snapshot = saved is null
            ? new ContextSnapshot { SessionId = id, Operation = op, Exists = false }
            : ContextResources.Snapshot(saved, op);
        var text = saved is null
            ? $"Context '{id}' removed."
            : $"Context '{id}' {(op == "add" ? "saved" : op == "update" ? "updated" : "changed")} (version {saved.Version}): " +
              $"{saved.Preferences.Count} preference(s), {saved.Memory.Count} memory item(s){(saved.WorkingContext is null ? string.Empty : ", working on: " + saved.WorkingContext)}.";
        return ToolArguments.Result(text, snapshot, McpContractsJsonContext.Default.ContextSnapshot);
    }

    internal static string CheckId(string? id)
    {
        ToolArguments.RequireText(id, "session_id", 200);
        foreach (var c in id!)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                throw new McpException("'session_id' may contain only letters, digits, '-', '_', '.' and ':'.");
            }
        }

        return id;
    }

    private async Task<AgentContext> AddAsync(string id, ContextData? data, CancellationToken cancellationToken)
    {
        if (await contexts.GetContextAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            try
            {
                return await contexts.CreateContextAsync(id, c => Apply(c, data), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Created by someone else in between: fall through to an update.
            }
        }

        return await contexts.UpdateContextAsync(id, c => Apply(c, data), cancellationToken).ConfigureAwait(false);
    }

    private async Task<AgentContext?> RemoveAsync(string id, ContextData? data, CancellationToken cancellationToken)
    {
        if (data is null)
        {
            return await contexts.DeleteContextAsync(id, cancellationToken).ConfigureAwait(false)
                ? null
                : throw new AgentContextNotFoundException(id);
        }

        return await contexts.UpdateContextAsync(id, c =>
        {
            if (data.WorkingContext is not null)
            {
                c.WorkingContext = null;
            }

            if (data.Project is not null)
            {
                c.Project = null;
            }

            if (data.ProjectContext is not null)
            {
                c.ProjectContext = null;
            }

            foreach (var key in data.Preferences?.Keys ?? [])
            {
                c.Preferences.Remove(key);
            }

            if (data.Memory is { Count: > 0 } forget)
            {
                c.Memory.RemoveAll(m => forget.Contains(m.Text, StringComparer.Ordinal));
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static void Apply(AgentContext context, ContextData? data)
    {
        if (data is null)
        {
            return;
        }

        context.WorkingContext = data.WorkingContext ?? context.WorkingContext;
        context.Project = data.Project ?? context.Project;
        context.ProjectContext = data.ProjectContext ?? context.ProjectContext;
        foreach (var (key, value) in data.Preferences ?? new Dictionary<string, string>())
        {
            context.Preferences[key] = value;
        }

        foreach (var fact in data.Memory ?? [])
        {
            context.Memory.Add(new MemoryItem { Text = fact });
        }
    }

    private static void CheckData(ContextData? data, int maxCharacters)
    {
        if (data is null)
        {
            return;
        }

        ToolArguments.OptionalText(data.WorkingContext, "context_data.working_context", maxCharacters);
        ToolArguments.OptionalText(data.Project, "context_data.project", 1000);
        ToolArguments.OptionalText(data.ProjectContext, "context_data.project_context", maxCharacters);
        foreach (var (key, value) in data.Preferences ?? new Dictionary<string, string>())
        {
            ToolArguments.RequireText(key, "context_data.preferences (a key)", 200);
            if (value is null)
            {
                throw new McpException($"'context_data.preferences.{key}' must be a string.");
            }
        }

        var i = 0;
        foreach (var fact in data.Memory ?? [])
        {
            ToolArguments.RequireText(fact, $"context_data.memory[{i++}]", maxCharacters);
        }
    }
}
