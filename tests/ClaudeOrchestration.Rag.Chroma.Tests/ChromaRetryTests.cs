using System.Net;
using System.Text;

namespace ClaudeOrchestration.Rag.Chroma.Tests;

/// <summary>Which server answers the client retries (unit tests: a scripted handler stands in for the server).</summary>
public sealed class ChromaRetryTests
{
    private const string HnswRace = """{"error":"InternalError","message":"Error executing plan: Internal error: Error creating hnsw segment reader: Nothing found on disk"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Count_HnswSegmentReaderRaceOnce_IsRetriedAndAnswers()
    {
        var handler = new ScriptedHandler((HttpStatusCode.InternalServerError, HnswRace), (HttpStatusCode.OK, "7"));
        var client = NewClient(handler);

        var count = await client.CountAsync("id", "books", Ct);

        Assert.Equal(7, count);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task Count_OtherInternalError_IsNotRetriedAndThrowsWithTheServerAnswer()
    {
        var handler = new ScriptedHandler(
            (HttpStatusCode.InternalServerError, """{"error":"InternalError","message":"disk full"}"""), (HttpStatusCode.OK, "7"));
        var client = NewClient(handler);

        var error = await Assert.ThrowsAsync<ChromaException>(() => client.CountAsync("id", "books", Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("disk full", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Calls);
    }

    private static ChromaClient NewClient(ScriptedHandler handler) =>
        new(new HttpClient(handler), new ChromaVectorStoreOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9"),
            MaxRetryAttempts = 2,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        });

    private sealed class ScriptedHandler(params (HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var (status, body) = answers[Math.Min(Interlocked.Increment(ref _calls) - 1, answers.Length - 1)];
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
