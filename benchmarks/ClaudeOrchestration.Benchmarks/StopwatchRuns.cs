using System.Globalization;

namespace ClaudeOrchestration.Benchmarks;

/// <summary>What the console-mode (non-BenchmarkDotNet) runs share: <c>--name value</c> options and percentiles.</summary>
internal static class StopwatchRuns
{
    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static int IntOption(string[] args, string name, int fallback)
    {
        var value = Find(args, name);
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>A comma-separated list of integers, e.g. <c>--ef-search 64,128</c>.</summary>
    public static int[] IntListOption(string[] args, string name, string fallback) =>
        StringOption(args, name, fallback).Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    public static string StringOption(string[] args, string name, string fallback) => Find(args, name) ?? fallback;

    private static string? Find(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
