using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.ConformanceHost;

// The fixtures the conformance suite calls by name; each returns what the scenario's requirements describe.

[McpServerToolType]
internal sealed class ConformanceTools
{
    internal const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    private const string WavBase64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    [McpServerTool(Name = "test_simple_text"), Description("Returns a simple text.")]
    public static string SimpleText() => "This is a simple text response for testing.";

    [McpServerTool(Name = "test_image_content"), Description("Returns an image.")]
    public static ImageContentBlock Image() => new() { Data = Encoding.UTF8.GetBytes(PngBase64), MimeType = "image/png" };

    [McpServerTool(Name = "test_audio_content"), Description("Returns audio.")]
    public static AudioContentBlock Audio() => new() { Data = Encoding.UTF8.GetBytes(WavBase64), MimeType = "audio/wav" };

    [McpServerTool(Name = "test_embedded_resource"), Description("Returns an embedded resource.")]
    public static EmbeddedResourceBlock Embedded() => new()
    {
        Resource = new TextResourceContents { Uri = "test://embedded-resource", MimeType = "text/plain", Text = "This is an embedded resource content." },
    };

    [McpServerTool(Name = "test_multiple_content_types"), Description("Returns text, an image and a resource.")]
    public static IEnumerable<ContentBlock> Mixed() =>
    [
        new TextContentBlock { Text = "Multiple content types test:" },
        new ImageContentBlock { Data = Encoding.UTF8.GetBytes(PngBase64), MimeType = "image/png" },
        new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = "test://mixed-content-resource", MimeType = "application/json", Text = """{"test":"data","value":123}""" } },
    ];

    [McpServerTool(Name = "test_tool_with_logging"), Description("Sends three log messages while it runs.")]
    public static async Task<string> Logging(McpServer server, CancellationToken cancellationToken)
    {
        foreach (var message in new[] { "Tool execution started", "Tool processing data", "Tool execution completed" })
        {
            await server.SendNotificationAsync(
                NotificationMethods.LoggingMessageNotification,
                new LoggingMessageNotificationParams { Level = LoggingLevel.Info, Logger = "conformance", Data = JsonSerializer.SerializeToElement(message, ConformanceJson.Default.String) },
                cancellationToken: cancellationToken);
        }

        return "Tool with logging executed successfully";
    }

    [McpServerTool(Name = "test_tool_with_progress"), Description("Reports progress 0, 50 and 100 of 100.")]
    public static async Task<string> Progress(McpServer server, RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        if (context.Params?.ProgressToken is not { } token)
        {
            return "No progress token provided";
        }

        foreach (var step in new[] { 0, 50, 100 })
        {
            await server.NotifyProgressAsync(token, new ProgressNotificationValue { Progress = step, Total = 100 }, cancellationToken: cancellationToken);
        }

        return token.ToString() ?? string.Empty;
    }

    [McpServerTool(Name = "test_error_handling"), Description("Always fails.")]
    public static CallToolResult Error() => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = "This tool intentionally returns an error for testing" }],
    };

    [McpServerTool(Name = "test_sampling"), Description("Asks the client's model.")]
    public static async Task<string> Sampling(McpServer server, [Description("The prompt")] string prompt, CancellationToken cancellationToken)
    {
        var result = await server.SampleAsync(new CreateMessageRequestParams
        {
            Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = prompt }] }],
            MaxTokens = 100,
        }, cancellationToken);
        return $"LLM response: {(result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text ?? string.Empty)}";
    }

    [McpServerTool(Name = "test_elicitation"), Description("Asks the user.")]
    public static async Task<string> Elicitation(McpServer server, [Description("The message")] string message, CancellationToken cancellationToken)
    {
        var result = await server.ElicitAsync(new ElicitRequestParams
        {
            Message = message,
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties =
                {
                    ["username"] = new ElicitRequestParams.StringSchema { Description = "User's response" },
                    ["email"] = new ElicitRequestParams.StringSchema { Description = "User's email address" },
                },
                Required = ["username", "email"],
            },
        }, cancellationToken);
        return $"User response: action={result.Action}";
    }

    [McpServerTool(Name = "test_elicitation_sep1034_defaults"), Description("Elicitation with defaults.")]
    public static async Task<string> Sep1034(McpServer server, CancellationToken cancellationToken)
    {
        var result = await server.ElicitAsync(new ElicitRequestParams
        {
            Message = "Defaults for every primitive type",
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties =
                {
                    ["name"] = new ElicitRequestParams.StringSchema { Description = "Name", Default = "John Doe" },
                    ["age"] = new ElicitRequestParams.NumberSchema { Type = "integer", Description = "Age", Default = 30 },
                    ["score"] = new ElicitRequestParams.NumberSchema { Description = "Score", Default = 95.5 },
                    ["status"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema { Description = "Status", Enum = ["active", "inactive", "pending"], Default = "active" },
                    ["verified"] = new ElicitRequestParams.BooleanSchema { Description = "Verified", Default = true },
                },
            },
        }, cancellationToken);
        return $"Elicitation completed: action={result.Action}";
    }

    [McpServerTool(Name = "test_elicitation_sep1330_enums"), Description("Elicitation with every enum form.")]
    public static async Task<string> Sep1330(McpServer server, CancellationToken cancellationToken)
    {
#pragma warning disable MCP9001 // The legacy enumNames form is part of what the scenario checks.
        var legacy = new ElicitRequestParams.LegacyTitledEnumSchema { Enum = ["opt1", "opt2", "opt3"], EnumNames = ["Option One", "Option Two", "Option Three"] };
#pragma warning restore MCP9001
        var result = await server.ElicitAsync(new ElicitRequestParams
        {
            Message = "Every enum form",
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties =
                {
                    ["untitledSingle"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema { Enum = ["option1", "option2", "option3"] },
                    ["titledSingle"] = new ElicitRequestParams.TitledSingleSelectEnumSchema
                    {
                        OneOf =
                        [
                            new() { Const = "value1", Title = "First Option" },
                            new() { Const = "value2", Title = "Second Option" },
                            new() { Const = "value3", Title = "Third Option" },
                        ],
                    },
                    ["legacyEnum"] = legacy,
                    ["untitledMulti"] = new ElicitRequestParams.UntitledMultiSelectEnumSchema { Items = new() { Enum = ["option1", "option2", "option3"] } },
                    ["titledMulti"] = new ElicitRequestParams.TitledMultiSelectEnumSchema
                    {
                        Items = new()
                        {
                            AnyOf =
                            [
                                new() { Const = "value1", Title = "First Choice" },
                                new() { Const = "value2", Title = "Second Choice" },
                                new() { Const = "value3", Title = "Third Choice" },
                            ],
                        },
                    },
                },
            },
        }, cancellationToken);
        return $"Elicitation completed: action={result.Action}";
    }
}

[McpServerResourceType]
internal sealed class ConformanceResources
{
    [McpServerResource(UriTemplate = "test://static-text", Name = "static-text", MimeType = "text/plain"), Description("A static text resource.")]
    public static string StaticText() => "This is the content of the static text resource.";

    [McpServerResource(UriTemplate = "test://static-binary", Name = "static-binary", MimeType = "image/png"), Description("A static binary resource.")]
    public static BlobResourceContents StaticBinary() => new() { Uri = "test://static-binary", MimeType = "image/png", Blob = Encoding.UTF8.GetBytes(ConformanceTools.PngBase64) };

    [McpServerResource(UriTemplate = "test://template/{id}/data", Name = "template", MimeType = "application/json"), Description("A templated resource.")]
    public static TextResourceContents Template(string id) => new()
    {
        Uri = $"test://template/{id}/data",
        MimeType = "application/json",
        Text = JsonSerializer.Serialize(new TemplateData(id, true, $"Data for ID: {id}"), ConformanceJson.Default.TemplateData),
    };

    [McpServerResource(UriTemplate = "test://watched-resource", Name = "watched-resource", MimeType = "text/plain"), Description("A resource to subscribe to.")]
    public static string Watched() => "Watched resource content";
}

[McpServerPromptType]
internal sealed class ConformancePrompts
{
    [McpServerPrompt(Name = "test_simple_prompt"), Description("A prompt without arguments.")]
    public static string Simple() => "This is a simple prompt for testing.";

    [McpServerPrompt(Name = "test_prompt_with_arguments"), Description("A prompt with arguments.")]
    public static string WithArguments([Description("First argument")] string arg1, [Description("Second argument")] string arg2) =>
        $"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'";

    [McpServerPrompt(Name = "test_prompt_with_embedded_resource"), Description("A prompt with an embedded resource.")]
    public static IEnumerable<PromptMessage> WithResource([Description("The resource URI")] string resourceUri) =>
    [
        new() { Role = Role.User, Content = new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = resourceUri, MimeType = "text/plain", Text = "Embedded resource content for testing." } } },
        new() { Role = Role.User, Content = new TextContentBlock { Text = "Please process the embedded resource above." } },
    ];

    [McpServerPrompt(Name = "test_prompt_with_image"), Description("A prompt with an image.")]
    public static IEnumerable<PromptMessage> WithImage() =>
    [
        new() { Role = Role.User, Content = new ImageContentBlock { MimeType = "image/png", Data = Encoding.UTF8.GetBytes(ConformanceTools.PngBase64) } },
        new() { Role = Role.User, Content = new TextContentBlock { Text = "Please analyze the image above." } },
    ];
}

internal sealed record TemplateData(string Id, bool TemplateTest, string Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TemplateData))]
[JsonSerializable(typeof(string))]
internal sealed partial class ConformanceJson : JsonSerializerContext;
