using System.Collections;
using System.Text.RegularExpressions;

namespace ClaudeOrchestration.Diagnostics;

/// <summary>
/// Masks secrets in text that leaves the process boundary of the CLI (stderr tails on exceptions, Trace logs of stderr and
/// argv): the values of environment variables whose names mark them as secrets (the host's own and those set for the CLI),
/// and strings shaped like Anthropic keys or bearer tokens.
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    // Shorter values are too likely to occur in ordinary text to be masked everywhere.
    private const int MinimumSecretLength = 8;

    private static readonly string[] SecretNameParts = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"];

    private readonly string[] _values;

    private SecretRedactor(IEnumerable<string> values) =>
        _values = [.. values.Where(v => v.Length >= MinimumSecretLength).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];

    /// <summary>Secrets of this host's environment only.</summary>
    public static SecretRedactor ForHost() => For(new Dictionary<string, string?>());

    /// <summary>Secrets of the environment a CLI process gets: the host's environment with <paramref name="overlay"/> applied.</summary>
    public static SecretRedactor For(IReadOnlyDictionary<string, string?> overlay)
    {
        var values = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value && IsSecretName(name))
            {
                values.Add(value);
            }
        }

        foreach (var (name, value) in overlay)
        {
            if (value is not null && IsSecretName(name))
            {
                values.Add(value);
            }
        }

        return new SecretRedactor(values);
    }

    public static bool IsSecretName(string name) =>
        SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var value in _values)
        {
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        }

        text = AnthropicKey().Replace(text, Mask);
        return BearerToken().Replace(text, "Bearer " + Mask);
    }

    [GeneratedRegex(@"sk-ant-[A-Za-z0-9_\-]{8,}")]
    private static partial Regex AnthropicKey();

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9_\-\.=:/+]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();
}
