using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>Checks <see cref="DifyClientOptions"/> at start-up; each message says how to fix the value and never quotes the key.</summary>
internal sealed class DifyClientOptionsValidator : IValidateOptions<DifyClientOptions>
{
    public ValidateOptionsResult Validate(string? name, DifyClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        var label = string.IsNullOrEmpty(name) ? "Dify client" : $"Dify client '{name}'";

        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            builder.AddError($"{label}: BaseUrl must be an absolute http or https URL ending in /v1, such as https://api.dify.ai/v1 or http://your-host/v1 (got '{options.BaseUrl}').", nameof(options.BaseUrl));
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            builder.AddError($"{label}: ApiKey is missing. Copy the app's API key from Dify (app > API Access > API Key) into configuration, preferably from a secret store.", nameof(options.ApiKey));
        }
        else if (options.ApiKey.Any(char.IsWhiteSpace))
        {
            builder.AddError($"{label}: ApiKey contains whitespace; paste the key alone, without 'Bearer ' or line breaks.", nameof(options.ApiKey));
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError($"{label}: RequestTimeout must be between 0 and 1 hour (got {options.RequestTimeout}); 2 minutes is a good default.", nameof(options.RequestTimeout));
        }

        if (options.StreamIdleTimeout < TimeSpan.FromSeconds(15) || options.StreamIdleTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError($"{label}: StreamIdleTimeout must be between 15 seconds and 1 hour (got {options.StreamIdleTimeout}); Dify pings every 10 seconds, so 60 seconds is a good default.", nameof(options.StreamIdleTimeout));
        }

        if (options.MaxRetryAttempts is < 0 or > 10)
        {
            builder.AddError($"{label}: MaxRetryAttempts must be between 0 and 10 (got {options.MaxRetryAttempts}).", nameof(options.MaxRetryAttempts));
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            builder.AddError($"{label}: RetryDelay must be between 0 and 1 minute (got {options.RetryDelay}).", nameof(options.RetryDelay));
        }

        if (options.MaxResumeAttempts is < 0 or > 20)
        {
            builder.AddError($"{label}: MaxResumeAttempts must be between 0 and 20 (got {options.MaxResumeAttempts}).", nameof(options.MaxResumeAttempts));
        }

        return builder.Build();
    }
}
