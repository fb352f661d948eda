using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Mcp;

/// <summary>Checks a <see cref="ClaudeSdkMcpServerOptions"/>; each message says how to fix the value.</summary>
internal sealed partial class ClaudeSdkMcpServerOptionsValidator : IValidateOptions<ClaudeSdkMcpServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ClaudeSdkMcpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(ClaudeSdkMcpServerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(options.Name) || !ServerNamePattern().IsMatch(options.Name))
        {
            errors.Add($"The MCP server name '{options.Name}' is not valid: use letters, digits, '_' and '-' only (e.g. \"calc\"), because the model sees its tools as mcp__<server>__<tool>.");
        }

        if (string.IsNullOrWhiteSpace(options.Version))
        {
            errors.Add($"MCP server '{options.Name}' needs a Version (e.g. \"1.0.0\"); it is reported in the initialize result.");
        }

        if (options.Tools.Any(t => t is null) || options.Resources.Any(r => r is null) || options.Prompts.Any(p => p is null))
        {
            errors.Add($"MCP server '{options.Name}' has a null tool, resource or prompt; remove it.");
            return errors;
        }

        foreach (var duplicate in options.Tools.GroupBy(t => t.ProtocolTool.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"MCP server '{options.Name}' has {duplicate.Count()} tools named '{duplicate.Key}'; give each tool a unique Name.");
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ServerNamePattern();
}
