using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ClaudeOrchestration.Samples.WebHost;

/// <summary>Loopback by default; a bearer token whenever the host listens beyond loopback (or whenever one is configured).</summary>
internal static class Security
{
    /// <summary>Throws when a URL listens beyond loopback and no token is set: such a host would run agents for anyone.</summary>
    public static void EnsureSafeBinding(IEnumerable<string> urls, string? token)
    {
        var exposed = urls.Where(url => !IsLoopback(url)).ToList();
        if (exposed.Count > 0 && string.IsNullOrWhiteSpace(token))
        {
            throw new InvalidOperationException(
                $"Refusing to start: the host would listen on {string.Join(", ", exposed)}, beyond loopback, without authentication. " +
                "Set WebHost:BearerToken (environment WebHost__BearerToken) to a long random secret, or listen on 127.0.0.1 only.");
        }
    }

    public static bool IsLoopback(string url)
    {
        var host = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var end = host.StartsWith('[') ? host.IndexOf(']', StringComparison.Ordinal) + 1 : host.IndexOfAny([':', '/']);
        host = end > 0 ? host[..end] : host;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Requires <c>Authorization: Bearer &lt;token&gt;</c> on every request but <c>/health</c>.</summary>
    public static IApplicationBuilder UseBearerToken(this IApplicationBuilder app, string token)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var header = context.Request.Headers.Authorization.ToString();
            var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()) : [];
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsync("A bearer token is required.");
                return;
            }

            await next(context);
        });
    }
}
