using System.Buffers;

namespace ClaudeOrchestration.Messages;

public static partial class ClaudeMessageParser
{
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> PrimitiveEnd = SearchValues.Create(",}] \t\r\n"u8);

    /// <summary>
    /// Finds the top-level <c>type</c> and <c>subtype</c> by structure alone: strings are skipped by searching for their
    /// closing quote and nested values by counting brackets, both with vectorised searches, and nothing is validated or
    /// materialised. That costs a fraction of tokenising, which matters for <c>result</c> lines whose <c>type</c> sits
    /// behind kilobytes of usage data. On valid JSON the answer is exact; on malformed JSON it may be anything, which is
    /// harmless because the deserialiser (or the validating slow path) rejects the line afterwards.
    /// </summary>
    private static ScanOutcome FindType(ReadOnlySpan<byte> line, out Kind kind, out SystemKind systemKind)
    {
        kind = Kind.None;
        systemKind = SystemKind.Other;
        var subtypeSeen = false;
        var i = SkipWhitespace(line, 0);
        if (i >= line.Length || line[i] != (byte)'{')
        {
            return ScanOutcome.NotAnObject;
        }

        i++;
        while (true)
        {
            i = SkipWhitespace(line, i);
            if (i >= line.Length || line[i] != (byte)'"')
            {
                // '}' ends the object; anything else is malformed and left to the deserialiser.
                return ScanOutcome.Found;
            }

            var keyEnd = StringEndOf(line, i + 1, out var keyEscaped);
            if (keyEnd < 0)
            {
                return ScanOutcome.Found;
            }

            if (keyEscaped)
            {
                return ScanOutcome.NeedsReader;
            }

            var key = line[(i + 1)..keyEnd];
            i = SkipWhitespace(line, keyEnd + 1);
            if (i >= line.Length || line[i] != (byte)':')
            {
                return ScanOutcome.Found;
            }

            i = SkipWhitespace(line, i + 1);
            if (i >= line.Length)
            {
                return ScanOutcome.Found;
            }

            var isType = kind == Kind.None && key.SequenceEqual("type"u8);
            var isSubtype = !isType && !subtypeSeen && key.SequenceEqual("subtype"u8);
            if ((isType || isSubtype) && line[i] == (byte)'"')
            {
                var valueEnd = StringEndOf(line, i + 1, out var valueEscaped);
                if (valueEnd < 0)
                {
                    return ScanOutcome.Found;
                }

                if (valueEscaped)
                {
                    return ScanOutcome.NeedsReader;
                }

                var value = line[(i + 1)..valueEnd];
                i = valueEnd + 1;
                if (isType)
                {
                    kind = ClassifyType(value);
                    if (kind != Kind.System || subtypeSeen)
                    {
                        return ScanOutcome.Found;
                    }
                }
                else
                {
                    subtypeSeen = true;
                    systemKind = ClassifySystem(value);
                    if (kind != Kind.None)
                    {
                        return ScanOutcome.Found;
                    }
                }
            }
            else
            {
                if (isType)
                {
                    // A type that is not a string: the frame cannot be typed.
                    kind = Kind.Unknown;
                    return ScanOutcome.Found;
                }

                subtypeSeen |= isSubtype;
                i = SkipValue(line, i);
                if (i < 0)
                {
                    return ScanOutcome.Found;
                }
            }

            i = SkipWhitespace(line, i);
            if (i >= line.Length || line[i] != (byte)',')
            {
                return ScanOutcome.Found;
            }

            i++;
        }
    }

    /// <summary>Returns the index just past the value starting at <paramref name="start"/>, or -1 when it does not end.</summary>
    private static int SkipValue(ReadOnlySpan<byte> line, int start)
    {
        switch (line[start])
        {
            case (byte)'"':
                var end = StringEndOf(line, start + 1, out _);
                return end < 0 ? -1 : end + 1;
            case (byte)'{' or (byte)'[':
                var depth = 0;
                var i = start;
                while (i < line.Length)
                {
                    var found = line[i..].IndexOfAny(Structure);
                    if (found < 0)
                    {
                        return -1;
                    }

                    i += found;
                    var token = line[i];
                    if (token == (byte)'"')
                    {
                        var stringEnd = StringEndOf(line, i + 1, out _);
                        if (stringEnd < 0)
                        {
                            return -1;
                        }

                        i = stringEnd + 1;
                        continue;
                    }

                    depth += token is (byte)'{' or (byte)'[' ? 1 : -1;
                    i++;
                    if (depth == 0)
                    {
                        return i;
                    }
                }

                return -1;
            default:
                var primitiveEnd = line[start..].IndexOfAny(PrimitiveEnd);
                return primitiveEnd < 0 ? line.Length : start + primitiveEnd;
        }
    }

    /// <summary>The index of the quote that closes the string whose content starts at <paramref name="start"/>, or -1.</summary>
    private static int StringEndOf(ReadOnlySpan<byte> line, int start, out bool escaped)
    {
        escaped = false;
        var i = start;
        while (i < line.Length)
        {
            var found = line[i..].IndexOfAny(StringEnd);
            if (found < 0)
            {
                return -1;
            }

            i += found;
            if (line[i] == (byte)'"')
            {
                return i;
            }

            // A backslash escapes the next byte, which may be a quote.
            escaped = true;
            i += 2;
        }

        return -1;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }
}
