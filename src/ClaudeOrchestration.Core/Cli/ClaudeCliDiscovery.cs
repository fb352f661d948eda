using System.Text.RegularExpressions;
using ClaudeOrchestration.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Cli;

/// <summary>Locates the CLI once and checks its version once; later calls reuse the answer. A failure is not cached.</summary>
internal sealed partial class ClaudeCliDiscovery
{
    private readonly IOptionsMonitor<ClaudeOrchestrationOptions> _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private Task<ClaudeCliInfo>? _resolution;
    private string? _resolutionFor;

    /// <summary>Creates the discovery.</summary>
    public ClaudeCliDiscovery(IOptionsMonitor<ClaudeOrchestrationOptions> options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Returns the CLI to run, locating it and checking its version on first use.</summary>
    /// <exception cref="ClaudeCliNotFoundException">No CLI was found.</exception>
    /// <exception cref="ClaudeCliVersionException">The CLI is older than 2.0 or did not report a version.</exception>
    public async ValueTask<ClaudeCliInfo> ResolveAsync(CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        Task<ClaudeCliInfo> resolution;
        lock (_gate)
        {
            // One resolution at a time is shared by every caller; a failed one is retried on the next call.
            if (_resolution is null || _resolutionFor != options.CliPath || _resolution.IsFaulted || _resolution.IsCanceled)
            {
                _resolution = ResolveCoreAsync(options.CliPath, options.SkipVersionCheck);
                _resolutionFor = options.CliPath;
            }

            resolution = _resolution;
        }

        return await resolution.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ClaudeCliInfo> ResolveCoreAsync(string? configuredPath, bool skipVersionCheck)
    {
        var path = ClaudeExecutableFinder.Find(configuredPath);
        Version? version = null;
        if (!skipVersionCheck)
        {
            version = await ProbeVersionAsync(path, CancellationToken.None).ConfigureAwait(false);
            if (version < ClaudeCliInfo.MinimumVersion)
            {
                throw new ClaudeCliVersionException(
                    $"The claude CLI at '{path}' is version {version}; version {ClaudeCliInfo.MinimumVersion} or newer is required. Update it with 'npm install -g @anthropic-ai/claude-code@latest'.",
                    version.ToString());
            }
        }

        Log.CliResolved(_logger, version?.ToString() ?? "(unchecked)", path);
        return new ClaudeCliInfo { Path = path, Version = version };
    }

    /// <summary>Runs <c>claude --version</c> and parses the leading version number.</summary>
    public static async Task<Version> ProbeVersionAsync(string cliPath, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        BufferedCommandResult result;
        try
        {
            result = await CliWrap.Cli.Wrap(cliPath)
                .WithArguments(["--version"])
                .WithEnvironmentVariables(env => env.Set("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClaudeCliVersionException($"'{cliPath} --version' did not answer within 30 seconds.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ClaudeCliNotFoundException($"'{cliPath}' could not be started: {ex.Message}. {ClaudeExecutableFinder.InstallHint}", ex);
        }

        var text = result.StandardOutput.Trim();
        var match = VersionPattern().Match(text);
        if (result.ExitCode != 0 || !match.Success || !Version.TryParse(match.Value, out var version))
        {
            var shown = text.Length > 200 ? text[..200] : text;
            throw new ClaudeCliVersionException(
                $"'{cliPath} --version' exited with code {result.ExitCode} and printed '{shown}', which is not a claude CLI version.", shown);
        }

        return version;
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+")]
    private static partial Regex VersionPattern();
}
