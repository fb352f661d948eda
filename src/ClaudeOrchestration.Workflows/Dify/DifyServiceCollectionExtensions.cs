using ClaudeOrchestration.Workflows.Dify;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IDifyClient"/> as an <see cref="System.Net.Http.IHttpClientFactory"/> client, one per Dify app.</summary>
public static class DifyServiceCollectionExtensions
{
    /// <summary>The <see cref="System.Net.Http.IHttpClientFactory"/> name of the unnamed client; keyed clients append <c>:{name}</c>.</summary>
    public const string HttpClientName = "ClaudeOrchestration.Dify";

    /// <summary>Registers an <see cref="IDifyClient"/> for one Dify app, with options validated at start-up.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="DifyClientOptions.ApiKey"/>).</param>
    /// <returns>The HTTP client builder, to add handlers (a proxy, logging, a test handler).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddDifyClient(this IServiceCollection services, Action<DifyClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, name: null, builder => builder.Configure(configure));
    }

    /// <summary>Registers an <see cref="IDifyClient"/> whose options are bound from <paramref name="configuration"/> (e.g. the <c>Dify</c> section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>BaseUrl</c>, <c>ApiKey</c>, … (pass <c>configuration.GetSection("Dify")</c>).</param>
    /// <returns>The HTTP client builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddDifyClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, name: null, builder => builder.Bind(configuration));
    }

    /// <summary>
    /// Registers a keyed <see cref="IDifyClient"/> for one of several Dify apps; resolve it with
    /// <c>[FromKeyedServices(name)]</c> or <c>GetRequiredKeyedService&lt;IDifyClient&gt;(name)</c>. Its options are the named options <paramref name="name"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The key and options name, e.g. the app's name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IHttpClientBuilder AddKeyedDifyClient(this IServiceCollection services, string name, Action<DifyClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, name, builder => builder.Configure(configure));
    }

    /// <summary>Registers a keyed <see cref="IDifyClient"/> whose options are bound from <paramref name="configuration"/> (e.g. <c>Dify:Apps:{name}</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The key and options name.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <returns>The HTTP client builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IHttpClientBuilder AddKeyedDifyClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, name, builder => builder.Bind(configuration));
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services, string? name, Action<OptionsBuilder<DifyClientOptions>> configure)
    {
        var optionsName = name ?? Options.Options.DefaultName;
        var optionsBuilder = services.AddOptions<DifyClientOptions>(optionsName);
        configure(optionsBuilder);
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DifyClientOptions>, DifyClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var httpClientName = name is null ? HttpClientName : $"{HttpClientName}:{name}";

        // Streams last as long as the workflow; the client bounds each request and each silent gap itself.
        var httpBuilder = services.AddHttpClient(httpClientName).ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        DifyClient Create(IServiceProvider provider) => new(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName),
            provider.GetRequiredService<IOptionsMonitor<DifyClientOptions>>().Get(optionsName),
            provider.GetService<ILogger<DifyClient>>(),
            provider.GetService<TimeProvider>());

        if (name is null)
        {
            services.TryAddTransient<IDifyClient>(Create);
        }
        else
        {
            services.TryAddKeyedTransient<IDifyClient>(name, (provider, _) => Create(provider));
        }

        return httpBuilder;
    }
}
