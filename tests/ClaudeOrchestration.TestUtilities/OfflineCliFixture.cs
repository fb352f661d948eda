using System.Diagnostics;
using System.Text;
using ClaudeOrchestration.Testing;
using Xunit;

namespace ClaudeOrchestration.TestUtilities;

/// <summary>
/// Everything a test needs to run the real CLI offline: a started <see cref="ScriptedMessagesServer"/>, a private
/// <c>CLAUDE_CONFIG_DIR</c>, <c>HOME</c> and working directory under a <see cref="TempDirectory"/>, and the environment for the CLI.
/// Use it per test (<c>await using var cli = await OfflineCliFixture.StartAsync();</c>) or as an xunit class fixture.
/// </summary>
/// <remarks>
/// <see cref="Environment"/> carries a marker variable unique to this fixture, so <see cref="FindLiveProcesses"/> finds exactly the
/// processes it (or a client given that environment) started, and what they spawned, even while other tests run CLIs too.
/// </remarks>
public sealed class OfflineCliFixture : IAsyncLifetime
{
    /// <summary>The variable that marks processes started with <see cref="Environment"/>.</summary>
    public const string MarkerVariable = "CLAUDE_ORCHESTRATION_TEST_MARKER";

    private readonly ScriptedMessagesServerOptions? _options;
    private TempDirectory? _root;
    private ScriptedMessagesServer? _server;
    private Dictionary<string, string>? _environment;

    /// <summary>Creates a fixture with default server options; call <see cref="InitializeAsync"/> (xunit does) before use.</summary>
    public OfflineCliFixture()
        : this(null)
    {
    }

    /// <summary>Creates a fixture; call <see cref="InitializeAsync"/> before use, or use <see cref="StartAsync"/>.</summary>
    /// <param name="options">The server options, or <see langword="null"/> for the defaults.</param>
    public OfflineCliFixture(ScriptedMessagesServerOptions? options)
    {
        _options = options;
        Marker = Guid.NewGuid().ToString("N");
    }

    /// <summary>The scripted Messages API the CLI talks to.</summary>
    public ScriptedMessagesServer Server => _server ?? throw NotStarted();

    /// <summary>The private <c>CLAUDE_CONFIG_DIR</c> (settings, sessions, <c>.claude.json</c>).</summary>
    public string ConfigDirectory => Path.Combine(Root, "config");

    /// <summary>The private <c>HOME</c>.</summary>
    public string HomeDirectory => Path.Combine(Root, "home");

    /// <summary>An empty working directory for the CLI (its project folder).</summary>
    public string WorkingDirectory => Path.Combine(Root, "work");

    /// <summary>The value of <see cref="MarkerVariable"/> in <see cref="Environment"/>.</summary>
    public string Marker { get; }

    /// <summary>
    /// The variables to set for the CLI: the server's <see cref="ScriptedMessagesServer.CreateCliEnvironment"/>, <c>HOME</c> and the
    /// marker. Apply them over an environment from which <see cref="IsInheritedClaudeVariable"/> variables were removed.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment => _environment ?? throw NotStarted();

    private string Root => _root?.FullPath ?? throw NotStarted();

    /// <summary>Creates and starts a fixture.</summary>
    /// <param name="options">The server options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The started fixture; dispose it to stop the server and delete the directories.</returns>
    public static async Task<OfflineCliFixture> StartAsync(
        ScriptedMessagesServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fixture = new OfflineCliFixture(options);
        try
        {
            await fixture.StartCoreAsync(cancellationToken);
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether an inherited variable would change how the CLI runs (<c>ANTHROPIC_*</c>, <c>CLAUDE*</c> such as <c>CLAUDECODE</c>)
    /// and must be removed before <see cref="Environment"/> is applied.</summary>
    /// <param name="name">The variable name.</param>
    /// <returns><see langword="true"/> to remove it.</returns>
    public static bool IsInheritedClaudeVariable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.StartsWith("ANTHROPIC_", StringComparison.Ordinal) || name.StartsWith("CLAUDE", StringComparison.Ordinal);
    }

    /// <summary>Starts the server and creates the directories (the xunit class-fixture entry point).</summary>
    /// <returns>A task that completes when the fixture is ready.</returns>
    public async ValueTask InitializeAsync() => await StartCoreAsync(CancellationToken.None);

    /// <summary>
    /// A start-info for the CLI with these arguments (passed one by one, no shell), the working directory, a scrubbed inherited
    /// environment plus <see cref="Environment"/>, and all three standard streams redirected.
    /// </summary>
    /// <param name="arguments">The CLI arguments, e.g. <c>-p</c>, the prompt, <c>--output-format</c>, <c>stream-json</c>, <c>--verbose</c>.</param>
    /// <returns>The start-info.</returns>
    public ProcessStartInfo CreateStartInfo(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(TestCli.Path)
        {
            WorkingDirectory = WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.Where(IsInheritedClaudeVariable).ToArray())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in Environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }

    /// <summary>
    /// Runs the CLI to completion with stdin closed at once (what a <c>-p</c> run needs) and collects its output. Cancelling kills
    /// the process tree.
    /// </summary>
    /// <param name="arguments">The CLI arguments.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The exit code, the output lines and parsed frames, and stderr.</returns>
    public async Task<CliRun> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = CreateStartInfo(arguments) };
        process.Start();
        process.StandardInput.Close();

        var output = ReadLinesAsync(process.StandardOutput);
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

        return CliRun.Create(process.ExitCode, await output, await error);
    }

    /// <summary>The live processes started with this fixture's <see cref="Environment"/>: CLIs and anything they spawned.</summary>
    /// <returns>The process ids; empty when nothing is left running.</returns>
    public IReadOnlyList<int> FindLiveProcesses() => ProcessProbe.FindLiveProcessesWithEnvironment(MarkerVariable, Marker);

    /// <summary>Stops the server and deletes the directories.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _root?.Dispose();
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            return;
        }

        _root = new TempDirectory("claude-offline-");
        _root.CreateSubdirectory("config");
        _root.CreateSubdirectory("home");
        _root.CreateSubdirectory("work");

        _server = await ScriptedMessagesServer.StartAsync(_options, cancellationToken);
        _environment = new Dictionary<string, string>(_server.CreateCliEnvironment(ConfigDirectory), StringComparer.Ordinal)
        {
            ["HOME"] = HomeDirectory,
            [MarkerVariable] = Marker,
        };
    }

    private static async Task<IReadOnlyList<string>> ReadLinesAsync(StreamReader reader)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static InvalidOperationException NotStarted() =>
        new("The fixture has not started: use OfflineCliFixture.StartAsync, or let xunit call InitializeAsync.");
}
