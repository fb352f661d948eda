using System.Reflection;

namespace ClaudeOrchestration.TestUtilities;

/// <summary>The pinned Claude Code CLI the integration tests run. A missing CLI fails the test; it never skips it.</summary>
public static class TestCli
{
    /// <summary>The environment variable that points at the CLI (set by <c>scripts/test.sh</c> and CI).</summary>
    public const string EnvironmentVariable = "CLAUDE_ORCHESTRATION_TEST_CLI";

    /// <summary>Where <c>npm ci</c> in <c>tests/node</c> puts the CLI, relative to the repository root.</summary>
    public const string RelativePath = "tests/node/node_modules/@anthropic-ai/claude-code/bin/claude.exe";

    // npm may skip install scripts; the platform package carries the same native binary (see scripts/tools.sh).
    private const string PlatformPackagePath = "tests/node/node_modules/@anthropic-ai/claude-code-linux-x64/claude";

    private const string SolutionFile = "Library.sln";

    private static readonly Lazy<string> LazyPath = new(Locate);

    /// <summary>The absolute path of the CLI: <see cref="EnvironmentVariable"/> when set, else <see cref="RelativePath"/> under the repository root.</summary>
    /// <exception cref="FileNotFoundException">The CLI is not installed; the message says where it looked and to run <c>scripts/test.sh</c>.</exception>
    public static string Path => LazyPath.Value;

    /// <summary>The repository root: the nearest folder holding <c>Library.sln</c> above the test binaries, the current directory or this project's source.</summary>
    /// <exception cref="DirectoryNotFoundException">No <c>Library.sln</c> was found.</exception>
    public static string RepositoryRoot =>
        FindRepositoryRoot(out var searched)
        ?? throw new DirectoryNotFoundException($"No {SolutionFile} was found above: {string.Join(", ", searched)}.");

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? System.IO.Path.GetFullPath(configured)
                : throw new FileNotFoundException(
                    $"{EnvironmentVariable} is '{configured}', but no file exists there. Run scripts/test.sh to install the pinned " +
                    $"claude CLI, or point {EnvironmentVariable} at a claude executable.",
                    configured);
        }

        var root = FindRepositoryRoot(out var searched)
            ?? throw new FileNotFoundException(
                $"The pinned claude CLI could not be located: {EnvironmentVariable} is not set and no {SolutionFile} was found above " +
                $"{string.Join(", ", searched)}. Run scripts/test.sh, or set {EnvironmentVariable} to a claude executable.");

        var candidates = new[] { RelativePath, PlatformPackagePath }.Select(p => System.IO.Path.Combine(root, p)).ToArray();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"The pinned claude CLI is not installed. Looked at: {string.Join(", ", candidates)}. Run scripts/test.sh (it runs " +
                $"npm ci in tests/node), or set {EnvironmentVariable} to a claude executable.",
                candidates[0]);
    }

    private static string? FindRepositoryRoot(out List<string> searched)
    {
        var projectDirectory = typeof(TestCli).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ClaudeOrchestration.TestUtilities.ProjectDirectory")?.Value;

        searched = [AppContext.BaseDirectory, Environment.CurrentDirectory];
        if (projectDirectory is not null)
        {
            searched.Add(projectDirectory);
        }

        foreach (var start in searched)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFile)))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }
}
