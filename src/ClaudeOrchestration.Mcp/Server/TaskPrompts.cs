using ClaudeOrchestration.Delegation;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>
/// One MCP prompt per delegation task type, rendered with the host's templates (<see cref="ClaudeDelegationOptions"/>), so a
/// client gets exactly the prompt <c>delegate_task</c> would run.
/// </summary>
internal static class TaskPrompts
{
    public static IEnumerable<McpServerPrompt> Create()
    {
        foreach (var type in Enum.GetValues<ClaudeTaskType>())
        {
            var name = PromptName(type);
            var prompt = McpServerPrompt.Create(
                (RequestContext<GetPromptRequestParams> context) =>
                    Render(type, context, (context.Services ?? throw new InvalidOperationException("No services.")).GetRequiredService<IClaudeTaskDelegator>()),
                new McpServerPromptCreateOptions
                {
                    Name = name,
                    Title = $"{type} task",
                    Description = $"The prompt a Claude Code agent gets for a {type} task (the server's template for it).",
                    SerializerOptions = McpContractsJsonContext.ToolSerializerOptions,
                });

            // The arguments come from the request (Render reads them), so the advertised list is written by hand.
            prompt.ProtocolPrompt.Arguments =
            [
                new PromptArgument { Name = "description", Description = "What to do, in plain words.", Required = true },
                new PromptArgument { Name = "project_context", Description = "Background about the project (stack, conventions)." },
                new PromptArgument { Name = "working_directory", Description = "The project directory (must lie under the server's allowed roots)." },
                new PromptArgument { Name = "parameters", Description = "Extra named values, one 'name=value' per line." },
            ];
            yield return prompt;
        }
    }

    internal static string PromptName(ClaudeTaskType type)
    {
        var text = type.ToString();
        var builder = new System.Text.StringBuilder("task_");
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsUpper(text[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(text[i]));
        }

        return builder.ToString();
    }

    private static PromptMessage Render(ClaudeTaskType type, RequestContext<GetPromptRequestParams> context, IClaudeTaskDelegator delegator)
    {
        var arguments = context.Params?.Arguments;
        string? Argument(string name) =>
            arguments is not null && arguments.TryGetValue(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;

        var description = Argument("description");
        if (string.IsNullOrWhiteSpace(description))
        {
            throw new McpProtocolException("The prompt needs a 'description' argument.", McpErrorCode.InvalidParams);
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (Argument("parameters") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new McpProtocolException($"'parameters' lines must read name=value; got '{line}'.", McpErrorCode.InvalidParams);
            }

            parameters[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        string text;
        try
        {
            text = delegator.RenderPrompt(new DelegationRequest
            {
                Id = "prompt",
                TaskType = type,
                Description = description,
                ProjectContext = Argument("project_context"),
                WorkingDirectory = Argument("working_directory"),
                Parameters = parameters,
            });
        }
        catch (ArgumentException ex)
        {
            throw new McpProtocolException(ToolArguments.Safe(ex.Message), McpErrorCode.InvalidParams);
        }

        return new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = text } };
    }
}
