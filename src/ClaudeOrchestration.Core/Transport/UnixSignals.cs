using System.Runtime.InteropServices;

namespace ClaudeOrchestration.Transport;

/// <summary>Signals to a process or a whole process group. Unix only; callers check <see cref="IsSupported"/>.</summary>
internal static partial class UnixSignals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>Sends <paramref name="signal"/> to every process in group <paramref name="processGroupId"/>; false when none is left.</summary>
    public static bool SignalGroup(int processGroupId, int signal) => IsSupported && processGroupId > 1 && Kill(-processGroupId, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to the one process <paramref name="processId"/>; false when it is gone.</summary>
    public static bool SignalProcess(int processId, int signal) => IsSupported && processId > 1 && Kill(processId, signal) == 0;

    /// <summary>True when at least one process of the group is still alive.</summary>
    public static bool GroupExists(int processGroupId) => IsSupported && processGroupId > 1 && Kill(-processGroupId, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
