namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>Settings for one <see cref="DifyClient"/>: which Dify server, which app (through its API key), and how patient to be.</summary>
/// <remarks>
/// The API key identifies the Dify app, so each app needs its own options (register one named client per app).
/// <see cref="ToString"/> never shows the key, and the client never logs it or puts it in an exception message.
/// </remarks>
public sealed class DifyClientOptions
{
    /// <summary>The configuration section <c>AddDifyClient(IConfiguration)</c> reads when given the root: <c>Dify</c>.</summary>
    public const string SectionName = "Dify";

    /// <summary>The Dify Cloud service API, the default <see cref="BaseUrl"/>.</summary>
    public static readonly Uri DifyCloudBaseUrl = new("https://api.dify.ai/v1/");

    /// <summary>
    /// The service API root including <c>/v1</c>: <c>https://api.dify.ai/v1</c> (the default) or your self-hosted host plus <c>/v1</c>.
    /// A missing trailing slash is added.
    /// </summary>
    public Uri BaseUrl { get; set; } = DifyCloudBaseUrl;

    /// <summary>The app's API key (<c>app-…</c>), sent as <c>Authorization: Bearer</c>; it selects the app. Required.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// How long one request may take before it is abandoned (for a stream: until the response headers arrive); default 2 minutes.
    /// Dify Cloud's proxy ends blocking runs at 100 seconds, so longer workflows should stream.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a stream may stay silent (no event, no <c>ping</c>) before it counts as dropped; default 60 seconds.
    /// Dify sends a keep-alive every 10 seconds, so keep this comfortably above that (at least 15 seconds).
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after a transient failure (see the docs for which failures count per operation); default 3, 0 disables.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially with jitter. Default 1 second; zero retries at once.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times a dropped stream is resumed through <c>GET /workflow/{workflow_run_id}/events</c> by
    /// <see cref="IDifyClient.StreamWorkflowWithResumeAsync"/> and <see cref="IDifyClient.RunWorkflowStreamingAsync"/>; default 3.
    /// </summary>
    public int MaxResumeAttempts { get; set; } = 3;

    /// <summary>
    /// Whether cancelling a streaming run also asks Dify to stop the task (<c>POST /workflows/tasks/{task_id}/stop</c>); default
    /// <see langword="true"/>. Closing the connection alone leaves the workflow running on the server.
    /// </summary>
    public bool StopTaskOnCancellation { get; set; } = true;

    /// <summary>Describes the options without the API key.</summary>
    /// <returns>The base URL, whether a key is set, and the timeouts.</returns>
    public override string ToString() =>
        $"DifyClientOptions {{ BaseUrl = {BaseUrl}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "<missing>" : "<redacted>")}, RequestTimeout = {RequestTimeout}, StreamIdleTimeout = {StreamIdleTimeout}, MaxRetryAttempts = {MaxRetryAttempts}, MaxResumeAttempts = {MaxResumeAttempts} }}";

    internal Uri NormalizedBaseUrl =>
        BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
}
