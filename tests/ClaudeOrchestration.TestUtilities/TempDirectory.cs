namespace ClaudeOrchestration.TestUtilities;

/// <summary>A new, uniquely named directory under the temp folder (<c>/tmp</c>), deleted with its contents on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory.</summary>
    /// <param name="prefix">The start of the directory name, to tell test leftovers apart.</param>
    public TempDirectory(string prefix = "claude-orchestration-")
    {
        FullPath = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The absolute path of the directory.</summary>
    public string FullPath { get; }

    /// <summary>Creates (if needed) a subdirectory and returns its absolute path.</summary>
    /// <param name="relativePath">The subdirectory, relative to <see cref="FullPath"/>.</param>
    /// <returns>The absolute path.</returns>
    public string CreateSubdirectory(string relativePath) =>
        Directory.CreateDirectory(Path.Combine(FullPath, relativePath)).FullName;

    /// <summary>Deletes the directory and everything in it.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(FullPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone (a test deleted it): nothing to clean up.
        }
    }

    /// <inheritdoc/>
    public override string ToString() => FullPath;
}
