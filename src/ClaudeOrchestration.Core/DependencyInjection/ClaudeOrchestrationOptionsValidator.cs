using ClaudeOrchestration.Transport;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration;

/// <summary>Checks <see cref="ClaudeOrchestrationOptions"/> at start-up; each message says how to fix the value.</summary>
[OptionsValidator]
internal sealed partial class ClaudeOrchestrationOptionsAnnotationsValidator : IValidateOptions<ClaudeOrchestrationOptions>;

/// <inheritdoc cref="ClaudeOrchestrationOptionsAnnotationsValidator"/>
internal sealed class ClaudeOrchestrationOptionsValidator : IValidateOptions<ClaudeOrchestrationOptions>
{
    private readonly ClaudeOrchestrationOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, ClaudeOrchestrationOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));

        if (!string.IsNullOrWhiteSpace(options.CliPath) && !File.Exists(Path.GetFullPath(options.CliPath)))
        {
            builder.AddError($"CliPath '{options.CliPath}' does not exist. Point it at the claude executable, leave it empty to search PATH, or install the CLI with 'npm install -g @anthropic-ai/claude-code'.", nameof(options.CliPath));
        }

        if (options.ShutdownGracePeriod <= TimeSpan.Zero || options.ShutdownGracePeriod > TimeSpan.FromMinutes(5))
        {
            builder.AddError($"ShutdownGracePeriod must be between 0 and 5 minutes (got {options.ShutdownGracePeriod}); 2 seconds is a good default.", nameof(options.ShutdownGracePeriod));
        }

        if (options.DefaultTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            builder.AddError($"DefaultTimeout must be positive or unset (got {timeout}).", nameof(options.DefaultTimeout));
        }

        if (options.DefaultWorkingDirectory is { } directory && !Directory.Exists(directory))
        {
            builder.AddError($"DefaultWorkingDirectory '{directory}' does not exist. Create it or leave it empty to use the current directory.", nameof(options.DefaultWorkingDirectory));
        }

        var rootsValid = true;
        foreach (var root in options.AllowedWorkingDirectoryRoots)
        {
            if (string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root))
            {
                rootsValid = false;
                builder.AddError($"AllowedWorkingDirectoryRoots entry '{root}' must be an absolute path.", nameof(options.AllowedWorkingDirectoryRoots));
            }
        }

        if (rootsValid && options.DefaultWorkingDirectory is { } defaultDirectory && Directory.Exists(defaultDirectory))
        {
            // Every task without a directory of its own would be refused: say so at start-up rather than on the first task.
            try
            {
                WorkingDirectoryPolicy.From(options).Check(defaultDirectory, "DefaultWorkingDirectory");
            }
            catch (ClaudeWorkingDirectoryException ex)
            {
                builder.AddError(ex.Message, nameof(options.DefaultWorkingDirectory));
            }
        }

        return builder.Build();
    }
}
