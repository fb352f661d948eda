namespace ClaudeOrchestration.Cli;

/// <summary>
/// Finds the <c>claude</c> executable: the configured path, then <c>PATH</c>, then the usual install places.
/// On Windows only <c>claude.exe</c> is accepted: npm's <c>claude.cmd</c> shim would run through cmd.exe, which re-parses
/// arguments (BatBadBut), so it is refused.
/// </summary>
internal static class ClaudeExecutableFinder
{
    /// <summary>How to install the CLI, quoted in not-found errors.</summary>
    public const string InstallHint =
        "Install it with 'npm install -g @anthropic-ai/claude-code' (or the native installer), or set ClaudeOrchestrationOptions.CliPath to the executable.";

    /// <summary>Returns the full path of the CLI or throws <see cref="ClaudeCliNotFoundException"/> naming every place it looked.</summary>
    public static string Find(string? configuredPath = null)
    {
        var searched = new List<string>();
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            var full = Path.GetFullPath(Environment.ExpandEnvironmentVariables(configuredPath));
            searched.Add(full);
            if (IsRefusedShim(full))
            {
                throw new ClaudeCliNotFoundException(
                    $"The configured claude CLI '{full}' is a .cmd/.bat shim, which would run through cmd.exe; point CliPath at claude.exe instead.", searched);
            }

            if (IsExecutableFile(full))
            {
                return full;
            }

            throw new ClaudeCliNotFoundException($"The configured claude CLI '{full}' does not exist or is not executable. {InstallHint}", searched);
        }

        foreach (var candidate in Candidates())
        {
            searched.Add(candidate);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        throw new ClaudeCliNotFoundException(
            $"The claude CLI was not found. Looked in: {string.Join(", ", searched)}. {InstallHint}", searched);
    }

    private static IEnumerable<string> Candidates()
    {
        var name = OperatingSystem.IsWindows() ? "claude.exe" : "claude";
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return Path.Combine(directory, name);
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, ".claude", "local", name);
            yield return Path.Combine(home, ".local", "bin", name);
            yield return Path.Combine(home, ".npm-global", "bin", name);
            yield return Path.Combine(home, "node_modules", ".bin", name);
            yield return Path.Combine(home, ".bun", "bin", name);
        }

        if (OperatingSystem.IsWindows())
        {
            var appData = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
            yield return Path.Combine(appData, "npm", "node_modules", "@anthropic-ai", "claude-code", "bin", "claude.exe");
        }
        else
        {
            yield return "/usr/local/bin/claude";
            yield return "/opt/homebrew/bin/claude";
            yield return "/usr/bin/claude";
        }
    }

    private static bool IsRefusedShim(string path) =>
        path.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".bat", StringComparison.OrdinalIgnoreCase);

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path) || IsRefusedShim(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
