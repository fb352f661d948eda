using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>The generated checks of the <c>[Range]</c> attributes on <see cref="ClaudeOrchestrationMcpOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ClaudeOrchestrationMcpOptionsAnnotationsValidator : IValidateOptions<ClaudeOrchestrationMcpOptions>;

/// <summary>Checks, at start-up, that the exposed groups are known and that agent tools cannot run just anywhere.</summary>
internal sealed class ClaudeOrchestrationMcpOptionsValidator(IOptionsMonitor<ClaudeOrchestrationOptions> orchestration)
    : IValidateOptions<ClaudeOrchestrationMcpOptions>
{
    public ValidateOptionsResult Validate(string? name, ClaudeOrchestrationMcpOptions options)
    {
        var failures = new List<string>();
        var annotations = new ClaudeOrchestrationMcpOptionsAnnotationsValidator().Validate(name, options);
        if (annotations.Failed)
        {
            failures.AddRange(annotations.Failures);
        }

        if ((options.Features & ~ClaudeOrchestrationMcpFeatures.All) != 0)
        {
            failures.Add($"ClaudeOrchestration:Mcp:Features has unknown flags ({options.Features}); use Delegation, Knowledge, Contexts, Workflows or All.");
        }

        if (options.Features.HasFlag(ClaudeOrchestrationMcpFeatures.Delegation)
            && !options.AllowAnyWorkingDirectory
            && orchestration.CurrentValue.AllowedWorkingDirectoryRoots.Count == 0)
        {
            failures.Add(
                "The MCP agent tools would let any MCP client run Claude Code in any directory. Add the directories they may use to " +
                "ClaudeOrchestration:AllowedWorkingDirectoryRoots, set ClaudeOrchestration:Mcp:AllowAnyWorkingDirectory = true, " +
                "or leave Delegation out of ClaudeOrchestration:Mcp:Features.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
