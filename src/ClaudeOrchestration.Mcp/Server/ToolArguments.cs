using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>
/// Checks tool arguments and builds results. Every problem becomes an <see cref="McpException"/>, which the SDK returns
/// as a tool error (<c>isError: true</c>) carrying the message: the model can correct its call, the server keeps serving.
/// </summary>
internal static class ToolArguments
{
    public static string RequireText(string? value, string name, int maxCharacters)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new McpException($"'{name}' is required and must not be empty.");
        }

        if (value.Length > maxCharacters)
        {
            throw new McpException($"'{name}' is {value.Length} characters long; the limit is {maxCharacters}.");
        }

        return value;
    }

    public static string? OptionalText(string? value, string name, int maxCharacters) =>
        string.IsNullOrEmpty(value) ? null : RequireText(value, name, maxCharacters);

    /// <summary>
    /// Resolves a project directory: <paramref name="path"/>, else the configured default; it must exist and lie under an
    /// allowed root (or any directory when the host allows that).
    /// </summary>
    public static string? ResolveDirectory(string? path, string name, ClaudeOrchestrationOptions options)
    {
        var requested = string.IsNullOrWhiteSpace(path) ? options.DefaultWorkingDirectory : path;
        if (string.IsNullOrWhiteSpace(requested))
        {
            return null;
        }

        var full = FullPath(requested, name);
        EnsureUnderRoots(full, name, options);
        if (!Directory.Exists(full))
        {
            throw new McpException($"'{name}' names '{full}', which is not an existing directory.");
        }

        return full;
    }

    /// <summary>Resolves a file path (relative paths are taken from <paramref name="baseDirectory"/>) that must exist under an allowed root.</summary>
    public static string ResolveFile(string? path, string name, string? baseDirectory, ClaudeOrchestrationOptions options)
    {
        RequireText(path, name, 4096);
        var full = Path.IsPathRooted(path) || baseDirectory is null ? FullPath(path!, name) : FullPath(Path.Combine(baseDirectory, path!), name);
        EnsureUnderRoots(full, name, options);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new McpException($"'{name}' names '{full}', which does not exist.");
        }

        return full;
    }

    public static CallToolResult Result<T>(string text, T value, JsonTypeInfo<T> typeInfo) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        StructuredContent = JsonSerializer.SerializeToElement(value, typeInfo),
    };

    /// <summary>A failure message fit for a client: the first line only and bounded, never a stack trace.</summary>
    public static string Safe(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return "no reason was given";
        }

        var line = message.AsSpan().Trim();
        var newline = line.IndexOfAny('\r', '\n');
        if (newline >= 0)
        {
            line = line[..newline];
        }

        return line.Length <= 500 ? line.ToString() : string.Concat(line[..500], "…");
    }

    private static string FullPath(string path, string name)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new McpException($"'{name}' is not a valid path.");
        }

        try
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new McpException($"'{name}' is not a valid path.", ex);
        }
    }

    private static void EnsureUnderRoots(string full, string name, ClaudeOrchestrationOptions options)
    {
        var roots = options.AllowedWorkingDirectoryRoots;
        if (roots.Count == 0)
        {
            return;
        }

        // Symbolic links are followed, so a link inside a root cannot lead outside it.
        var resolved = ResolveLinks(full);
        foreach (var root in roots)
        {
            var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
            var resolvedRoot = ResolveLinks(fullRoot);
            if (IsUnder(resolved, resolvedRoot) || (IsUnder(full, fullRoot) && string.Equals(full, resolved, StringComparison.Ordinal)))
            {
                return;
            }
        }

        throw new McpException($"'{name}' ('{full}') is outside the directories this server may work in: {string.Join(", ", roots)}.");
    }

    private static bool IsUnder(string path, string root) =>
        string.Equals(path, root, StringComparison.Ordinal)
        || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || (root.Length == 1 && root[0] == Path.DirectorySeparatorChar);

    private static string ResolveLinks(string path)
    {
        // Resolve the longest existing prefix (the rest cannot be a link yet).
        var existing = path;
        var suffix = string.Empty;
        while (!File.Exists(existing) && !Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return path;
            }

            suffix = Path.Combine(Path.GetFileName(existing), suffix);
            existing = parent;
        }

        try
        {
            var info = Directory.Exists(existing) ? (FileSystemInfo)new DirectoryInfo(existing) : new FileInfo(existing);
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? ResolveParentLinks(existing);
            return Path.TrimEndingDirectorySeparator(suffix.Length == 0 ? target : Path.Combine(target, suffix));
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static string ResolveParentLinks(string path)
    {
        var parent = Path.GetDirectoryName(path);
        return parent is null ? path : Path.Combine(ResolveLinks(parent), Path.GetFileName(path));
    }

    /// <summary>
    /// Sends a progress notification when the client asked for progress, awaited (the SDK's <c>IProgress</c> sends without
    /// waiting, so a report could reach the client after the result); a report that cannot be sent does not fail the call.
    /// </summary>
    public static async Task ReportProgressAsync(RequestContext<CallToolRequestParams> request, ProgressNotificationValue value)
    {
        if (request.Params?.ProgressToken is not { } token)
        {
            return;
        }

        try
        {
            await request.Server.NotifyProgressAsync(token, value, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The client may be gone; the call's own outcome is what matters.
        }
    }
}
