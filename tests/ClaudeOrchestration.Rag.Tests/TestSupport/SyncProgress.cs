namespace ClaudeOrchestration.Rag.Tests.TestSupport;

/// <summary>Records reports synchronously (unlike <see cref="Progress{T}"/>, which posts them asynchronously).</summary>
internal sealed class SyncProgress<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
