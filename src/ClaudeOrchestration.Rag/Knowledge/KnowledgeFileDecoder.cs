using System.Text;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// Reads one file for ingest: size limit first, then strict UTF-8 (with or without BOM) or UTF-16 with a BOM; anything
/// else, or text with NUL characters, is reported as binary rather than guessed at.
/// </summary>
internal static class KnowledgeFileDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or <see langword="null"/> with the skip status and a reason.</summary>
    public static async Task<(string? Text, IngestFileStatus Status, string? Reason)> ReadTextFileAsync(
        string path,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return (null, IngestFileStatus.SkippedUnreadable, "the file disappeared before it was read");
            }

            if (info.Length > maxBytes)
            {
                return (null, IngestFileStatus.SkippedTooLarge, $"{info.Length} bytes, over DirectoryIngestOptions.MaxFileBytes ({maxBytes})");
            }

            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, IngestFileStatus.SkippedUnreadable, ex.Message);
        }

        if (bytes.Length > maxBytes)
        {
            return (null, IngestFileStatus.SkippedTooLarge, $"{bytes.Length} bytes, over DirectoryIngestOptions.MaxFileBytes ({maxBytes})");
        }

        string text;
        try
        {
            text = bytes switch
            {
                [0xEF, 0xBB, 0xBF, ..] => StrictUtf8.GetString(bytes, 3, bytes.Length - 3),
                [0xFF, 0xFE, ..] => new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes, 2, bytes.Length - 2),
                [0xFE, 0xFF, ..] => new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes, 2, bytes.Length - 2),
                _ when bytes.AsSpan().Contains((byte)0) => throw new DecoderFallbackException("NUL byte"),
                _ => StrictUtf8.GetString(bytes),
            };
        }
        catch (DecoderFallbackException)
        {
            return (null, IngestFileStatus.SkippedBinary, "not UTF-8 or UTF-16 text (binary content)");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return (null, IngestFileStatus.SkippedBinary, "not text (contains NUL characters)");
        }

        return string.IsNullOrWhiteSpace(text)
            ? (null, IngestFileStatus.SkippedEmpty, "empty or only whitespace")
            : (text, default, null);
    }
}
