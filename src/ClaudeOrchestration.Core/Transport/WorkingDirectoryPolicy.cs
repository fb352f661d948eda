namespace ClaudeOrchestration.Transport;

/// <summary>
/// The one check for every directory that reaches the CLI: the process's working directory, each <c>--add-dir</c>, and
/// directory-valued flags passed through <see cref="ClaudeRunOptions.ExtraArgs"/>. Paths are compared after symbolic links
/// are resolved, so a link inside a root that points outside it is outside. With no
/// <see cref="ClaudeOrchestrationOptions.AllowedWorkingDirectoryRoots"/> every directory is allowed.
/// </summary>
/// <remarks>
/// This keeps a host from pointing the CLI somewhere it did not mean to; it is not a sandbox. What the agent may read,
/// write and run is decided by the CLI's permission mode and tool rules, and a directory can change between this check
/// and the CLI's start.
/// </remarks>
internal sealed class WorkingDirectoryPolicy
{
    /// <summary>ExtraArgs flags whose value is a directory the CLI works in or loads code from.</summary>
    private static readonly HashSet<string> DirectoryFlags = new(StringComparer.Ordinal) { "add-dir", "plugin-dir", "plugin-dir-no-mcp", "cwd" };

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly IReadOnlyList<string> _roots;
    private readonly string[] _realRoots;

    private WorkingDirectoryPolicy(IReadOnlyList<string> roots)
    {
        _roots = roots;
        _realRoots = [.. roots.Select(root => RealPath(root))];
    }

    public static WorkingDirectoryPolicy From(ClaudeOrchestrationOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new WorkingDirectoryPolicy([.. settings.AllowedWorkingDirectoryRoots]);
    }

    /// <summary>Checks every directory <paramref name="run"/> hands to the CLI and returns the working directory to start it in.</summary>
    /// <exception cref="DirectoryNotFoundException">The working directory does not exist.</exception>
    /// <exception cref="ClaudeWorkingDirectoryException">A directory lies outside the allowed roots.</exception>
    public string Apply(ClaudeRunOptions run, ClaudeOrchestrationOptions settings)
    {
        ArgumentNullException.ThrowIfNull(run);
        var workingDirectory = CheckWorkingDirectory(run.WorkingDirectory ?? settings.DefaultWorkingDirectory ?? Environment.CurrentDirectory);
        foreach (var directory in run.AdditionalDirectories ?? [])
        {
            Check(directory, "AdditionalDirectories (--add-dir)");
        }

        foreach (var (name, value) in run.ExtraArgs ?? new Dictionary<string, string?>())
        {
            var flag = name.TrimStart('-');
            if (!DirectoryFlags.Contains(flag))
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ClaudeWorkingDirectoryException(
                    $"ExtraArgs flag --{flag} names a directory but has no value.", string.Empty, _roots);
            }

            Check(value, $"ExtraArgs --{flag}");
        }

        return workingDirectory;
    }

    /// <summary>The working directory with links resolved; it must exist and lie under a root.</summary>
    public string CheckWorkingDirectory(string path)
    {
        var real = Check(path, "working directory");
        if (!Directory.Exists(real))
        {
            throw new DirectoryNotFoundException($"The working directory '{path}' does not exist.");
        }

        return real;
    }

    /// <summary>The directory with links resolved; it must lie under a root (it need not exist).</summary>
    public string Check(string path, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var real = RealPath(path);
        if (_realRoots.Length == 0 || _realRoots.Any(root => IsUnder(real, root)))
        {
            return real;
        }

        var shown = string.Equals(real, Path.GetFullPath(path), PathComparison) ? $"'{real}'" : $"'{path}' (really '{real}')";
        throw new ClaudeWorkingDirectoryException(
            $"The {what} {shown} lies outside the allowed roots ({string.Join(", ", _roots)}). Pick a directory under one of them or add a root to ClaudeOrchestrationOptions.AllowedWorkingDirectoryRoots.",
            real, _roots);
    }

    /// <summary>
    /// The absolute path with every symbolic link on it resolved (like realpath(3)); components that do not exist are kept
    /// as written, after the resolved part.
    /// </summary>
    internal static string RealPath(string path) => RealPath(path, 0);

    private static string RealPath(string path, int depth)
    {
        if (depth > 40)
        {
            throw new IOException($"Too many levels of symbolic links while resolving '{path}'.");
        }

        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                // Resolve the target (its own ancestors may be links too), then walk the rest of the path from there.
                var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                return RealPath(Path.Combine([resolved, .. parts[(i + 1)..]]), depth + 1);
            }

            if (!Path.Exists(next))
            {
                return Path.TrimEndingDirectorySeparator(Path.Combine([current, .. parts[i..]]));
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    private static bool IsUnder(string path, string root)
    {
        if (string.Equals(path, root, PathComparison))
        {
            return true;
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, PathComparison);
    }
}
