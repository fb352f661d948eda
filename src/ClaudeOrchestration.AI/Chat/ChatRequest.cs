using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.AI;

/// <summary>One request, mapped from M.E.AI's messages and <see cref="ChatOptions"/> to what the CLI understands.</summary>
internal sealed record ChatRequest(
    string Prompt,
    string? ConversationId,
    string? Model,
    string? SystemPrompt,
    bool ReplaceSystemPrompt,
    JsonObject? JsonSchema,
    IReadOnlyList<AIFunction> Functions,
    IReadOnlyList<string> Ignored)
{
    /// <summary>What a warm session is started with and cannot change mid-conversation; a different shape reopens the conversation.</summary>
    public SessionShape Shape { get; } = new(
        Model,
        SystemPrompt,
        ReplaceSystemPrompt,
        JsonSchema?.ToJsonString(),
        string.Join('\n', Functions.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name}\u001f{f.Description}\u001f{f.JsonSchema.GetRawText()}"))));

    public static ChatRequest Create(IEnumerable<ChatMessage> messages, ChatOptions? options, ClaudeCodeChatClientOptions settings)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var ignored = new List<string>();
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];

        var system = new List<string>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            system.Add(options.Instructions);
        }

        var turns = new List<ChatMessage>(list.Count);
        foreach (var message in list)
        {
            if (message.Role == ChatRole.System)
            {
                if (!string.IsNullOrWhiteSpace(message.Text))
                {
                    system.Add(message.Text);
                }
            }
            else
            {
                turns.Add(message);
            }
        }

        // The prompt is the run of user messages at the end; anything before it is history.
        var start = turns.Count;
        while (start > 0 && turns[start - 1].Role == ChatRole.User)
        {
            start--;
        }

        if (start == turns.Count)
        {
            throw new ArgumentException("The last message must be a user message: Claude Code answers user prompts.", nameof(messages));
        }

        var prompt = new StringBuilder();
        var conversationId = options?.ConversationId;
        if (start > 0 && conversationId is null && HasText(turns.Take(start)))
        {
            if (settings.HistoryWithoutConversation == ChatHistoryBehavior.Throw)
            {
                throw new ArgumentException(
                    "The messages hold earlier turns but ChatOptions.ConversationId is not set. Continue a Claude Code conversation by passing " +
                    "the ConversationId of its last response, or set ClaudeCodeChatClientOptions.HistoryWithoutConversation to Transcript.",
                    nameof(messages));
            }

            // A new conversation cannot be seeded with real turns; the history travels as a labelled transcript instead.
            prompt.Append("<conversation_history>\n");
            foreach (var turn in turns.Take(start))
            {
                var text = turn.Text;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    prompt.Append(turn.Role == ChatRole.User ? "User: " : "Assistant: ").Append(text).Append('\n');
                }
            }

            prompt.Append("</conversation_history>\n\n");
        }

        // With a conversation id, history before the latest user messages is already in the conversation and is not sent again.
        var first = true;
        foreach (var turn in turns.Skip(start))
        {
            foreach (var content in turn.Contents)
            {
                if (content is DataContent or UriContent or HostedFileContent)
                {
                    throw new NotSupportedException(
                        $"User content of type {content.GetType().Name} is not supported by the Claude Code chat client; send text.");
                }

                if (content is not TextContent text)
                {
                    // Function calls and results, reasoning and usage echoed back (e.g. another agent's output reassigned to the
                    // user role in an Agent Framework workflow) are records of work done, not input for this turn.
                    continue;
                }

                if (!first)
                {
                    prompt.Append("\n\n");
                }

                prompt.Append(text.Text);
                first = false;
            }
        }

        if (string.IsNullOrWhiteSpace(prompt.ToString()))
        {
            throw new ArgumentException("The user messages hold no text.", nameof(messages));
        }

        return new ChatRequest(
            prompt.ToString(),
            conversationId,
            options?.ModelId ?? settings.DefaultModelId,
            system.Count == 0 ? null : string.Join("\n\n", system),
            settings.InstructionsReplaceSystemPrompt,
            MapSchema(options?.ResponseFormat, ignored),
            MapTools(options, ignored),
            CollectIgnored(options, ignored));
    }

    /// <summary>The run options for this request: the client's base flags with the request's model, prompt, schema and tools on top.</summary>
    public ClaudeRunOptions ToRunOptions(ClaudeRunOptions baseOptions, string toolServerName)
    {
        var allowed = baseOptions.AllowedTools;
        if (Functions.Count > 0)
        {
            // The host handed these functions over to be called: allow them, rather than have the CLI ask (and deny) each call.
            allowed = [.. allowed ?? [], .. Functions.Select(f => $"mcp__{toolServerName}__{f.Name}")];
        }

        return baseOptions with
        {
            Model = Model ?? baseOptions.Model,
            SystemPrompt = SystemPrompt is not null && ReplaceSystemPrompt ? SystemPrompt : baseOptions.SystemPrompt,
            AppendSystemPrompt = SystemPrompt is not null && !ReplaceSystemPrompt
                ? (baseOptions.AppendSystemPrompt is null ? SystemPrompt : baseOptions.AppendSystemPrompt + "\n\n" + SystemPrompt)
                : baseOptions.AppendSystemPrompt,
            JsonSchema = JsonSchema ?? baseOptions.JsonSchema,
            AllowedTools = allowed,
        };
    }

    private static bool HasText(IEnumerable<ChatMessage> messages) => messages.Any(m => !string.IsNullOrWhiteSpace(m.Text));

    private static JsonObject? MapSchema(ChatResponseFormat? format, List<string> ignored)
    {
        switch (format)
        {
            case ChatResponseFormatJson { Schema: { } schema }:
                var node = JsonNode.Parse(schema.GetRawText()) as JsonObject
                    ?? throw new NotSupportedException("The response format's JSON schema must be an object schema.");

                // M.E.AI stamps draft 2020-12 as "$schema"; the CLI's validator does not load that meta-schema and fails every
                // structured output against it. The keywords M.E.AI emits mean the same without the stamp.
                node.Remove("$schema");
                return node;
            case ChatResponseFormatJson:
                // JSON without a schema cannot be enforced by the CLI.
                ignored.Add("ResponseFormat (JSON without a schema)");
                return null;
            default:
                return null;
        }
    }

    private static List<AIFunction> MapTools(ChatOptions? options, List<string> ignored)
    {
        var functions = new List<AIFunction>();
        if (options?.Tools is not { Count: > 0 } tools)
        {
            return functions;
        }

        if (options.ToolMode is NoneChatToolMode)
        {
            // "None" means the model may not call the tools this turn: they are not offered at all.
            return functions;
        }

        foreach (var tool in tools)
        {
            if (tool is AIFunction function)
            {
                functions.Add(function);
            }
            else
            {
                ignored.Add($"Tools ({tool.GetType().Name} '{tool.Name}': only AIFunction tools can be served to Claude Code)");
            }
        }

        if (functions.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != functions.Count)
        {
            throw new ArgumentException("Two tools share a name; Claude Code needs unique tool names.", nameof(options));
        }

        return functions;
    }

    private static List<string> CollectIgnored(ChatOptions? options, List<string> ignored)
    {
        if (options is null)
        {
            return ignored;
        }

        void Check(bool set, string name)
        {
            if (set)
            {
                ignored.Add(name);
            }
        }

        Check(options.Temperature is not null, nameof(ChatOptions.Temperature));
        Check(options.TopP is not null, nameof(ChatOptions.TopP));
        Check(options.TopK is not null, nameof(ChatOptions.TopK));
        Check(options.MaxOutputTokens is not null, nameof(ChatOptions.MaxOutputTokens));
        Check(options.FrequencyPenalty is not null, nameof(ChatOptions.FrequencyPenalty));
        Check(options.PresencePenalty is not null, nameof(ChatOptions.PresencePenalty));
        Check(options.Seed is not null, nameof(ChatOptions.Seed));
        Check(options.StopSequences is { Count: > 0 }, nameof(ChatOptions.StopSequences));
        Check(options.Reasoning is not null, nameof(ChatOptions.Reasoning));
        Check(options.ToolMode is RequiredChatToolMode, nameof(ChatOptions.ToolMode) + " (required)");
        Check(options.AllowMultipleToolCalls is false, nameof(ChatOptions.AllowMultipleToolCalls));
        Check(options.AllowBackgroundResponses is true, nameof(ChatOptions.AllowBackgroundResponses));
        Check(options.ContinuationToken is not null, nameof(ChatOptions.ContinuationToken));
        Check(options.RawRepresentationFactory is not null, nameof(ChatOptions.RawRepresentationFactory));
        return ignored;
    }
}

/// <summary>The settings a warm session is started with; see <see cref="ChatRequest.Shape"/>.</summary>
internal sealed record SessionShape(string? Model, string? SystemPrompt, bool Replace, string? JsonSchema, string Tools);
