using ClaudeOrchestration.Workflows.Dify;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Workflows.Tests.Dify;

public sealed class DifyClientOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ToString_NeverShowsTheApiKey()
    {
        var options = new DifyClientOptions { ApiKey = DifySamples.ApiKey };

        var text = options.ToString();

        Assert.DoesNotContain(DifySamples.ApiKey, text, StringComparison.Ordinal);
        Assert.Contains("<redacted>", text, StringComparison.Ordinal);
        Assert.Contains("api.dify.ai", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithMessagesThatSayHowToFix()
    {
        var options = new DifyClientOptions
        {
            BaseUrl = new Uri("ftp://dify.example/v1"),
            ApiKey = "",
            RequestTimeout = TimeSpan.Zero,
            StreamIdleTimeout = TimeSpan.FromSeconds(5),
            MaxRetryAttempts = 50,
        };

        var error = Assert.Throws<OptionsValidationException>(() => new DifyClient(new HttpClient(), options));

        Assert.Contains(error.Failures, f => f.Contains("BaseUrl must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ApiKey is missing", StringComparison.Ordinal) && f.Contains("API Access", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("RequestTimeout", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("StreamIdleTimeout", StringComparison.Ordinal) && f.Contains("pings every 10 seconds", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxRetryAttempts", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KeyWithBearerPrefix_FailsWithoutQuotingTheKey()
    {
        var options = new DifyClientOptions { ApiKey = "Bearer " + DifySamples.ApiKey };

        var result = new DifyClientOptionsValidator().Validate("billing", options);

        Assert.True(result.Failed);
        Assert.Contains("'billing'", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(DifySamples.ApiKey, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDifyClient_MissingKey_FailsAtStartUpValidation()
    {
        var services = new ServiceCollection();
        services.AddDifyClient(options => options.BaseUrl = new Uri("http://127.0.0.1:1/v1"));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ApiKey is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDifyClient_RealServiceCollection_ResolvesAWorkingClient()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking()));
        var services = new ServiceCollection();
        var builder = services.AddDifyClient(options =>
        {
            options.BaseUrl = server.BaseUrl;
            options.ApiKey = DifySamples.ApiKey;
        });
        services.AddDifyClient(options => options.MaxRetryAttempts = 1);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var client = provider.GetRequiredService<IDifyClient>();
        var result = await client.RunWorkflowAsync(DifyTestClient.Request(), Ct);

        Assert.Equal(DifyServiceCollectionExtensions.HttpClientName, builder.Name);
        Assert.IsType<DifyClient>(client);
        Assert.Single(services, d => d.ServiceType == typeof(IDifyClient));
        Assert.Equal(1, provider.GetRequiredService<IOptions<DifyClientOptions>>().Value.MaxRetryAttempts);
        Assert.True(result.Succeeded);
        Assert.Equal($"Bearer {DifySamples.ApiKey}", Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task AddKeyedDifyClient_TwoApps_EachSendsItsOwnKey()
    {
        await using var server = await FakeDifyServer.StartAsync((context, _) => FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking()));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dify:Apps:billing:BaseUrl"] = server.BaseUrl.AbsoluteUri,
            ["Dify:Apps:billing:ApiKey"] = "app-billing",
            ["Dify:Apps:billing:MaxRetryAttempts"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeyedDifyClient("billing", configuration.GetSection("Dify:Apps:billing"));
        services.AddKeyedDifyClient("support", options =>
        {
            options.BaseUrl = server.BaseUrl;
            options.ApiKey = "app-support";
        });
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        await provider.GetRequiredKeyedService<IDifyClient>("billing").RunWorkflowAsync(DifyTestClient.Request(), Ct);
        await provider.GetRequiredKeyedService<IDifyClient>("support").RunWorkflowAsync(DifyTestClient.Request(), Ct);

        Assert.Equal(["Bearer app-billing", "Bearer app-support"], server.Requests.Select(r => r.Authorization));
        Assert.Equal(1, provider.GetRequiredService<IOptionsMonitor<DifyClientOptions>>().Get("billing").MaxRetryAttempts);
        Assert.Null(provider.GetService<IDifyClient>());
    }

    [Fact]
    public async Task AddDifyClient_FromConfiguration_BindsTheSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dify:BaseUrl"] = "https://dify.internal.example/v1",
            ["Dify:ApiKey"] = "app-x",
            ["Dify:StreamIdleTimeout"] = "00:02:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddDifyClient(configuration.GetSection(DifyClientOptions.SectionName));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DifyClientOptions>>().Value;

        Assert.Equal(new Uri("https://dify.internal.example/v1"), options.BaseUrl);
        Assert.Equal(TimeSpan.FromMinutes(2), options.StreamIdleTimeout);
        Assert.NotNull(provider.GetRequiredService<IDifyClient>());
    }

    [Fact]
    public async Task Logs_AtTraceAcrossSuccessAndFailure_NeverContainTheApiKey()
    {
        var calls = 0;
        await using var server = await FakeDifyServer.StartAsync(async (context, request) =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 1:
                    await FakeDifyServer.ErrorAsync(context, 429, "too_many_requests", "slow down");
                    break;
                case 2:
                    await FakeDifyServer.JsonAsync(context, 200, DifySamples.Blocking());
                    break;
                case 3:
                    await FakeDifyServer.ErrorAsync(context, 401, "unauthorized", "Access token is invalid");
                    break;
                default:
                    await FakeDifyServer.BeginSseAsync(context);
                    await FakeDifyServer.DataAsync(context, DifySamples.WorkflowStarted);
                    await FakeDifyServer.DataAsync(context, DifySamples.TextChunk("secret-free text"));
                    await FakeDifyServer.DataAsync(context, DifySamples.WorkflowFinished);
                    break;
            }
        });
        var logs = new CapturingLoggerProvider();
        var client = DifyTestClient.Create(server, logs);

        await client.RunWorkflowAsync(DifyTestClient.Request(), Ct);
        var error = await Assert.ThrowsAsync<DifyApiException>(() => client.GetWorkflowRunAsync(DifySamples.RunId, Ct));
        await client.RunWorkflowStreamingAsync(DifyTestClient.Request(), cancellationToken: Ct);
        var down = await Assert.ThrowsAsync<DifyApiException>(
            () => DifyTestClient.Create(DifyClientRunTests.ClosedPortUrl(), logs).RunWorkflowAsync(DifyTestClient.Request(), Ct));

        Assert.Contains(logs.Lines, line => line.Contains("retry", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(logs.Lines, line => line.StartsWith(nameof(LogLevel.Trace), StringComparison.Ordinal));
        Assert.All(logs.Lines, line => Assert.DoesNotContain(DifySamples.ApiKey, line, StringComparison.Ordinal));
        Assert.DoesNotContain(DifySamples.ApiKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(DifySamples.ApiKey, down.ToString(), StringComparison.Ordinal);
    }
}
