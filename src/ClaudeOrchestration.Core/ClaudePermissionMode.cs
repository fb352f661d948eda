namespace ClaudeOrchestration;

/// <summary>The CLI's permission modes (<c>--permission-mode</c>).</summary>
public enum ClaudePermissionMode
{
    /// <summary>Ask for anything not allowed by rules; with no handler the ask becomes a deny.</summary>
    Default,

    /// <summary>Accept file edits inside the working directories.</summary>
    AcceptEdits,

    /// <summary>Plan only; no tool that changes anything runs.</summary>
    Plan,

    /// <summary>Deny anything that would ask.</summary>
    DontAsk,

    /// <summary>Let the CLI's classifier decide.</summary>
    Auto,

    /// <summary>Skip every permission check. Refused by the CLI when running as root unless <c>IS_SANDBOX=1</c>.</summary>
    BypassPermissions,
}

internal static class ClaudePermissionModeExtensions
{
    public static string ToWire(this ClaudePermissionMode mode) => mode switch
    {
        ClaudePermissionMode.Default => "default",
        ClaudePermissionMode.AcceptEdits => "acceptEdits",
        ClaudePermissionMode.Plan => "plan",
        ClaudePermissionMode.DontAsk => "dontAsk",
        ClaudePermissionMode.Auto => "auto",
        ClaudePermissionMode.BypassPermissions => "bypassPermissions",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown permission mode."),
    };
}
