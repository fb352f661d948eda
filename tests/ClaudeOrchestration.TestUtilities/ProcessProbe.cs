using System.Text;

namespace ClaudeOrchestration.TestUtilities;

/// <summary>
/// Finds live processes through <c>/proc</c>, for assertions such as "no claude process is left". Zombies (exited, not yet reaped)
/// and the test process itself are not counted. Processes the test may not inspect are skipped.
/// </summary>
/// <remarks>
/// Test projects run in parallel on one machine, so a count of every claude process is only safe in a test that owns the machine.
/// Prefer <see cref="FindLiveProcessesWithEnvironment"/> with a marker variable only your test's processes carry
/// (<see cref="OfflineCliFixture.FindLiveProcesses"/> does that). Linux only: other systems throw <see cref="PlatformNotSupportedException"/>.
/// </remarks>
public static class ProcessProbe
{
    /// <summary>The ids of live processes running an executable.</summary>
    /// <param name="executablePathOrName">An absolute path (compared with <c>/proc/&lt;pid&gt;/exe</c> and <c>argv[0]</c>) or a bare
    /// file name (compared with their file names and <c>/proc/&lt;pid&gt;/comm</c>).</param>
    /// <returns>The process ids, ascending.</returns>
    /// <exception cref="ArgumentException"><paramref name="executablePathOrName"/> is empty.</exception>
    public static IReadOnlyList<int> FindLiveProcesses(string executablePathOrName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executablePathOrName);
        var byPath = executablePathOrName.Contains('/', StringComparison.Ordinal);
        var wanted = byPath ? Path.GetFullPath(executablePathOrName) : executablePathOrName;

        return LiveProcessIds().Where(pid =>
        {
            var executable = Executable(pid);
            var argument0 = Argument0(pid);
            return byPath
                ? wanted == executable || wanted == argument0
                : wanted == Path.GetFileName(executable) || wanted == Path.GetFileName(argument0) || wanted == Command(pid);
        }).ToArray();
    }

    /// <summary>How many live processes run an executable (see <see cref="FindLiveProcesses"/>).</summary>
    /// <param name="executablePathOrName">An absolute path or a bare file name.</param>
    /// <returns>The count.</returns>
    public static int CountLiveProcesses(string executablePathOrName) => FindLiveProcesses(executablePathOrName).Count;

    /// <summary>The ids of live processes whose start-up environment holds <c><paramref name="variable"/>=<paramref name="value"/></c>;
    /// child processes inherit it, so this finds a CLI and everything it spawned.</summary>
    /// <param name="variable">The variable name.</param>
    /// <param name="value">The exact value.</param>
    /// <returns>The process ids, ascending.</returns>
    /// <exception cref="ArgumentException"><paramref name="variable"/> is empty.</exception>
    public static IReadOnlyList<int> FindLiveProcessesWithEnvironment(string variable, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        ArgumentNullException.ThrowIfNull(value);
        var entry = Encoding.UTF8.GetBytes($"{variable}={value}");

        return LiveProcessIds().Where(pid => ReadBytes($"/proc/{pid}/environ") is { } environment && HasEntry(environment, entry)).ToArray();
    }

    // environ is "NAME=value\0NAME=value\0..."; an entry matches only as a whole NUL-delimited item.
    private static bool HasEntry(byte[] environment, byte[] entry)
    {
        var start = 0;
        while (start < environment.Length)
        {
            var end = Array.IndexOf(environment, (byte)0, start);
            if (end < 0)
            {
                end = environment.Length;
            }

            if (environment.AsSpan(start, end - start).SequenceEqual(entry))
            {
                return true;
            }

            start = end + 1;
        }

        return false;
    }

    private static IEnumerable<int> LiveProcessIds()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("ProcessProbe reads /proc, which only Linux provides; the suite's CLI tests run on Linux.");
        }

        var self = Environment.ProcessId;
        return Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != self && IsRunning(pid))
            .Order();
    }

    private static bool IsRunning(int pid)
    {
        // "/proc/<pid>/stat" is "pid (comm) state ..."; comm may hold spaces and parentheses, so read the state after the last ')'.
        var stat = ReadText($"/proc/{pid}/stat");
        if (stat is null)
        {
            return false;
        }

        var end = stat.LastIndexOf(')');
        return end >= 0 && end + 2 < stat.Length && stat[end + 2] is not ('Z' or 'X');
    }

    private static string? Executable(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Argument0(int pid)
    {
        var commandLine = ReadText($"/proc/{pid}/cmdline");
        if (string.IsNullOrEmpty(commandLine))
        {
            return null;
        }

        var end = commandLine.IndexOf('\0', StringComparison.Ordinal);
        return end < 0 ? commandLine : commandLine[..end];
    }

    private static string? Command(int pid) => ReadText($"/proc/{pid}/comm")?.TrimEnd('\n');

    private static string? ReadText(string path) => ReadBytes(path) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    private static byte[]? ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The process exited while we looked, or belongs to someone we may not inspect.
            return null;
        }
    }
}
