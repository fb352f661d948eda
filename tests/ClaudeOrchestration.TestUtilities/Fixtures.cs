namespace ClaudeOrchestration.TestUtilities;

/// <summary>
/// Reads fixture files that a test project copies to its output folder. Add this to the test project:
/// <code>&lt;None Update="Fixtures\**" CopyToOutputDirectory="PreserveNewest" /&gt;</code>
/// </summary>
public static class Fixtures
{
    /// <summary>The folder, in the test project and in its output, that holds the fixture files.</summary>
    public const string FolderName = "Fixtures";

    /// <summary>The absolute path of a fixture file.</summary>
    /// <param name="name">The file name relative to <c>Fixtures/</c>, e.g. <c>requests/prompt.json</c>.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, rooted or leaves the fixtures folder.</exception>
    /// <exception cref="FileNotFoundException">The file is not in the output folder; the message says how to copy it there.</exception>
    public static string GetPath(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (Path.IsPathRooted(name))
        {
            throw new ArgumentException($"A fixture name is relative to {FolderName}/, but '{name}' is rooted.", nameof(name));
        }

        var folder = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, FolderName));
        var path = Path.GetFullPath(Path.Combine(folder, name));
        if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The fixture name '{name}' leaves the {FolderName}/ folder.", nameof(name));
        }

        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"Fixture '{name}' is not at {path}. Put it in the test project's {FolderName}/ folder and copy it to the output with " +
                $"<None Update=\"{FolderName}\\**\" CopyToOutputDirectory=\"PreserveNewest\" /> in the test .csproj.",
                path);
    }

    /// <summary>Reads a fixture file as UTF-8 text.</summary>
    /// <param name="name">The file name relative to <c>Fixtures/</c>.</param>
    /// <returns>The file's text.</returns>
    /// <exception cref="FileNotFoundException">The file is not in the output folder.</exception>
    public static string Read(string name) => File.ReadAllText(GetPath(name));

    /// <summary>Reads a fixture file as bytes.</summary>
    /// <param name="name">The file name relative to <c>Fixtures/</c>.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="FileNotFoundException">The file is not in the output folder.</exception>
    public static byte[] ReadBytes(string name) => File.ReadAllBytes(GetPath(name));
}
