using System.Globalization;
using System.Text;

namespace ClaudeOrchestration.Transport;

/// <summary>
/// The argv for one CLI run, plus the temporary files that carry values too large for a command line.
/// Every value is one <c>--flag=value</c> item, so a value that starts with '-' or holds shell metacharacters
/// reaches the CLI literally (there is no shell). Disposing deletes the temporary files.
/// </summary>
internal sealed class ClaudeArguments : IDisposable
{
    /// <summary>Values longer than this go through a file instead of argv.</summary>
    internal const int InlineLimit = 4 * 1024;

    /// <summary>Linux refuses a single argument over 128 KiB; stay well under.</summary>
    internal const int MaxArgumentBytes = 100 * 1024;

    private readonly List<string> _arguments = [];
    private string? _tempDirectory;

    private ClaudeArguments()
    {
    }

    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>Arguments for a stream-json run. The prompt is not here: it goes to stdin as a user message.</summary>
    public static ClaudeArguments Build(ClaudeRunOptions options, ClaudeOrchestrationOptions defaults, bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(defaults);
        var args = new ClaudeArguments();
        try
        {
            args.Fill(options, defaults, interactive);
            args.CheckSizes();
            return args;
        }
        catch
        {
            args.Dispose();
            throw;
        }
    }

    private void Fill(ClaudeRunOptions o, ClaudeOrchestrationOptions d, bool interactive)
    {
        if (!interactive)
        {
            _arguments.Add("--print");
        }

        _arguments.Add("--output-format=stream-json");
        _arguments.Add("--input-format=stream-json");
        _arguments.Add("--verbose");

        Value("model", o.Model ?? d.DefaultModel);
        Value("fallback-model", o.FallbackModel);
        if (o.FallbackModel is not null && string.Equals(o.FallbackModel, o.Model ?? d.DefaultModel, StringComparison.Ordinal))
        {
            throw new ArgumentException("FallbackModel must differ from Model; the CLI refuses the same model as its own fallback.", nameof(o));
        }

        if (o.MaxTurns is { } turns)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(turns, 1, nameof(ClaudeRunOptions.MaxTurns));
            Value("max-turns", turns.ToString(CultureInfo.InvariantCulture));
        }

        if (o.MaxBudgetUsd is { } budget)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budget, nameof(ClaudeRunOptions.MaxBudgetUsd));
            Value("max-budget-usd", budget.ToString(CultureInfo.InvariantCulture));
        }

        LargeValue("system-prompt", o.SystemPrompt, "system-prompt.txt");
        LargeValue("append-system-prompt", o.AppendSystemPrompt, "append-system-prompt.txt");

        if (o.Tools is { } tools)
        {
            _arguments.Add("--tools=" + string.Join(',', tools));
        }

        List("allowedTools", o.AllowedTools);
        List("disallowedTools", o.DisallowedTools);
        Value("permission-mode", (o.PermissionMode ?? d.DefaultPermissionMode).ToWire());

        if (o.McpConfig is not null && o.McpConfigPath is not null)
        {
            throw new ArgumentException("Set McpConfig or McpConfigPath, not both.", nameof(o));
        }

        if (o.McpConfig is { } mcp)
        {
            // Always a file: server entries carry env and headers (tokens), and argv is readable by every local user (ps, /proc).
            Value("mcp-config", WriteTempFile("mcp-config.json", mcp.ToJsonString()));
        }

        Value("mcp-config", o.McpConfigPath);
        Switch("strict-mcp-config", o.StrictMcpConfig);

        if (o.ContinueConversation && o.Resume is not null)
        {
            throw new ArgumentException("Set Resume or ContinueConversation, not both.", nameof(o));
        }

        if (o.ForkSession && o.Resume is null && !o.ContinueConversation)
        {
            throw new ArgumentException("ForkSession needs Resume (or ContinueConversation): it forks an existing session.", nameof(o));
        }

        Value("resume", o.Resume);
        Switch("continue", o.ContinueConversation);
        Switch("fork-session", o.ForkSession);
        if (o.SessionId is { } sessionId)
        {
            if (!Guid.TryParse(sessionId, out _))
            {
                throw new ArgumentException($"SessionId must be a UUID; '{sessionId}' is not.", nameof(o));
            }

            Value("session-id", sessionId);
        }

        Switch("no-session-persistence", o.NoSessionPersistence);
        foreach (var directory in o.AdditionalDirectories ?? [])
        {
            Value("add-dir", Path.GetFullPath(directory));
        }

        if (o.Settings is { } settings)
        {
            // Inline JSON settings may carry env values (keys, tokens): a file keeps them off argv. A path stays as it is.
            Value("settings", settings.TrimStart().StartsWith('{') ? WriteTempFile("settings.json", settings) : settings);
        }

        if (o.SettingSources is { } sources)
        {
            _arguments.Add("--setting-sources=" + string.Join(',', sources));
        }

        if (o.JsonSchema is { } schema)
        {
            Value("json-schema", schema.ToJsonString());
        }

        Switch("include-partial-messages", o.IncludePartialMessages);

        foreach (var (name, value) in o.ExtraArgs ?? new Dictionary<string, string?>())
        {
            var flag = name.TrimStart('-');
            if (flag.Length == 0 || flag.Contains('=', StringComparison.Ordinal) || flag.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"ExtraArgs key '{name}' is not a flag name.", nameof(o));
            }

            _arguments.Add(value is null ? "--" + flag : $"--{flag}={value}");
        }
    }

    private void Value(string flag, string? value)
    {
        if (value is not null)
        {
            _arguments.Add($"--{flag}={value}");
        }
    }

    private void Switch(string flag, bool on)
    {
        if (on)
        {
            _arguments.Add("--" + flag);
        }
    }

    private void List(string flag, IReadOnlyList<string>? values)
    {
        if (values is { Count: > 0 })
        {
            _arguments.Add($"--{flag}={string.Join(',', values)}");
        }
    }

    private void LargeValue(string flag, string? value, string fileName)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length <= InlineLimit)
        {
            Value(flag, value);
        }
        else
        {
            // The CLI's hidden --system-prompt-file / --append-system-prompt-file read the text from a file.
            Value(flag + "-file", WriteTempFile(fileName, value));
        }
    }

    private string WriteTempFile(string name, string content)
    {
        _tempDirectory ??= Directory.CreateTempSubdirectory("claude-orchestration-").FullName;
        var path = Path.Combine(_tempDirectory, name);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only from creation on, not after: the content may be secret.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new UTF8Encoding(false), options);
        writer.Write(content);
        return path;
    }

    private void CheckSizes()
    {
        foreach (var argument in _arguments)
        {
            var bytes = Encoding.UTF8.GetByteCount(argument);
            if (bytes > MaxArgumentBytes)
            {
                var flag = argument.Split('=', 2)[0];
                throw new ArgumentException(
                    $"The value of {flag} is {bytes} bytes, over the {MaxArgumentBytes}-byte limit for one command-line argument. Pass it through a file (e.g. McpConfigPath or a settings file).");
            }
        }
    }

    public void Dispose()
    {
        if (_tempDirectory is { } directory)
        {
            _tempDirectory = null;
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS temp cleaner removes what is left.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }
}
