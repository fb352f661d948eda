using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClaudeOrchestration.TestUtilities;

/// <summary>
/// A database server the tests start from the npm packages pinned in <c>tests/node</c> (Chroma from
/// <c>chromadb-js-bindings-linux-x64-gnu</c>, PostgreSQL + pgvector from PGlite), on 127.0.0.1 and a free port. It can be
/// stopped and started again on the same port and data, to test what clients do while a server is down.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _name;
    private readonly string _readyLine;
    private readonly Func<int, IReadOnlyList<string>> _arguments;
    private Process? _process;
    private readonly List<string> _output = [];

    private TestServer(string name, int port, string readyLine, Func<int, IReadOnlyList<string>> arguments)
    {
        _name = name;
        Port = port;
        _readyLine = readyLine;
        _arguments = arguments;
    }

    /// <summary>Gets the TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The folder holding the pinned npm packages (<c>CLAUDE_ORCHESTRATION_TEST_NODE_DIR</c> or <c>tests/node</c>).</summary>
    public static string NodeDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("CLAUDE_ORCHESTRATION_TEST_NODE_DIR");
            dir = string.IsNullOrEmpty(dir) ? Path.Combine(TestCli.RepositoryRoot, "tests", "node") : dir;
            if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            {
                throw new DirectoryNotFoundException(
                    $"No node_modules in '{dir}': run 'npm ci' in tests/node (scripts/test.sh does) to install the pinned test servers.");
            }

            return dir;
        }
    }

    /// <summary>Starts a Chroma 1.0 server persisting to <paramref name="dataDirectory"/>.</summary>
    public static Task<TestServer> StartChromaAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var server = new TestServer("Chroma", FreePort(), "Connect to Chroma", port =>
        [
            "-e",
            "require('chromadb-js-bindings-linux-x64-gnu').cli(['chroma','run','--host','127.0.0.1','--port',process.argv[1],'--path',process.argv[2]])",
            port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            dataDirectory,
        ]);
        return server.StartAsync(cancellationToken);
    }

    /// <summary>Starts PGlite (PostgreSQL 18 in WASM) with pgvector, in memory or persisting to <paramref name="dataDirectory"/>.</summary>
    public static Task<TestServer> StartPgliteAsync(CancellationToken cancellationToken, string? dataDirectory = null)
    {
        var server = new TestServer("PGlite", FreePort(), "listening", port =>
        [
            Path.Combine("node_modules", "@electric-sql", "pglite-socket", "dist", "scripts", "server.js"),
            dataDirectory is null ? "--db=memory://" : $"--db={dataDirectory}",
            "--host=127.0.0.1",
            $"--port={port}",
            "--max-connections=32",
            "--extensions=@electric-sql/pglite-pgvector:vector",
        ]);
        return server.StartAsync(cancellationToken);
    }

    /// <summary>Starts the process again (after <see cref="StopAsync"/>) on the same port and data.</summary>
    public async Task<TestServer> StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return this;
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _arguments(Port))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Add(e.Data);
            }

            if (e.Data.Contains(_readyLine, StringComparison.OrdinalIgnoreCase))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{_name} exited before it was ready:\n{Output()}"));
        _ = process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            await ready.Task.WaitAsync(timeout.Token);
            await WaitForPortAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await StopAsync();
            throw new TimeoutException($"{_name} did not start within {StartTimeout.TotalSeconds} s:\n{Output()}");
        }

        return this;
    }

    /// <summary>Stops the server: SIGTERM, then a kill after 5 s; waits for the process to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                await term!.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
    }

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output.TakeLast(40));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The ready line may be printed just before the socket is bound: connect until it accepts (each failed attempt
    // returns at once with "connection refused", so this is a short loop bounded by the start timeout, not a sleep).
    private async Task WaitForPortAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException) when (IsRunning)
            {
                await Task.Yield();
            }
        }
    }
}
