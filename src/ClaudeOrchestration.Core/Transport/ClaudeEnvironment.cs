using System.Diagnostics;

namespace ClaudeOrchestration.Transport;

/// <summary>The environment changes every CLI process gets, one-shot or session.</summary>
internal static class ClaudeEnvironment
{
    /// <summary>Variables to set (value) or remove (null) on top of the inherited environment.</summary>
    public static Dictionary<string, string?> Build(ClaudeOrchestrationOptions settings, ClaudeRunOptions options)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // Never inherit these: CLAUDECODE makes a nested CLI think it runs inside another session; NODE_OPTIONS can break it.
            ["CLAUDECODE"] = null,
            ["NODE_OPTIONS"] = null,
            ["CLAUDE_CODE_ENTRYPOINT"] = "sdk-csharp",
        };

        // The CLI joins the caller's trace.
        if (Activity.Current is { } activity && activity.Id is { } traceParent && activity.IdFormat == ActivityIdFormat.W3C)
        {
            environment["TRACEPARENT"] = traceParent;
            if (activity.TraceStateString is { } traceState)
            {
                environment["TRACESTATE"] = traceState;
            }
        }

        foreach (var (name, value) in settings.EnvironmentVariables)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in options.EnvironmentVariables ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        return environment;
    }
}
