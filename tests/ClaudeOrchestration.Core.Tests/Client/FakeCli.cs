using System.Text;

namespace ClaudeOrchestration.Core.Tests.Client;

/// <summary>
/// A throwaway executable standing in for the claude CLI in unit tests of the transport (the real CLI is exercised by the
/// integration tests). It is a bash script run directly through its shebang: the library under test starts it like any
/// executable, with no shell of its own.
/// </summary>
internal sealed class FakeCli : IDisposable
{
    public const string ResultLine =
        """{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"fake ok","session_id":"fake-session","total_cost_usd":0.0012,"duration_ms":5,"duration_api_ms":1,"usage":{"input_tokens":3,"output_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":0},"permission_denials":[],"terminal_reason":"completed","uuid":"u1"}""";

    private FakeCli(string directory, string path)
    {
        Directory = directory;
        Path = path;
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>Creates the fake. <paramref name="body"/> runs for every call except <c>--version</c>.</summary>
    public static FakeCli Create(string body)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("fake-claude-").FullName;
        var path = System.IO.Path.Combine(directory, "claude");
        var script = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append("if [ \"$1\" = \"--version\" ]; then echo '2.1.330 (Claude Code)'; exit 0; fi\n")
            .Append(body.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Append('\n')
            .ToString();
        File.WriteAllText(path, script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new FakeCli(directory, path);
    }

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
