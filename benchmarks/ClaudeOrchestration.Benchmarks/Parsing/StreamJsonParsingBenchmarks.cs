using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Benchmarks.Parsing;

/// <summary>
/// Reading a ~12 MiB stream-json transcript of real CLI lines from a stream, line by line, with and without
/// <see cref="ClaudeMessageParser"/>. The baseline is the cost every consumer pays (copying out of the stream and
/// finding each '\n', which reads every byte); the two reference rows put the parser between the cheapest possible
/// validating pass (tokenising with <see cref="Utf8JsonReader"/>) and the naive one (a <see cref="JsonDocument"/> per line).
/// </summary>
[Config(typeof(Config))]
public class StreamJsonParsingBenchmarks
{
    private byte[] _transcript = [];
    private byte[] _readBuffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _transcript = StreamJsonTranscript.Bytes;
        _readBuffer = new byte[64 * 1024];
    }

    /// <summary>Split into lines only.</summary>
    [Benchmark(Baseline = true)]
    public long ReadLines()
    {
        var visitor = new CountingVisitor();
        ForEachLine(ref visitor);
        return visitor.Bytes + visitor.Lines;
    }

    /// <summary>Split and parse every line into typed messages.</summary>
    [Benchmark]
    public long ReadLinesAndParse()
    {
        var visitor = new ParsingVisitor();
        ForEachLine(ref visitor);
        return visitor.Messages;
    }

    /// <summary>Reference: split and run a <see cref="Utf8JsonReader"/> over every token (no objects built).</summary>
    [Benchmark]
    public long ReadLinesAndTokenize()
    {
        var visitor = new TokenizingVisitor();
        ForEachLine(ref visitor);
        return visitor.Tokens;
    }

    /// <summary>Reference: split and build a <see cref="JsonDocument"/> per line.</summary>
    [Benchmark]
    public long ReadLinesAndJsonDocument()
    {
        var visitor = new DocumentVisitor();
        ForEachLine(ref visitor);
        return visitor.Objects;
    }

    /// <summary>
    /// Reads the transcript through a stream in 64 KiB chunks, as a process pipe would deliver it, and hands out each
    /// complete line. A line cut by a chunk boundary is moved to the front of the buffer (the buffer grows for longer lines).
    /// </summary>
    private void ForEachLine<TVisitor>(ref TVisitor visitor)
        where TVisitor : struct, ILineVisitor
    {
        using var stream = new MemoryStream(_transcript, writable: false);
        var buffer = _readBuffer;
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                if (filled > 0)
                {
                    visitor.Visit(buffer.AsSpan(0, filled));
                }

                _readBuffer = buffer;
                return;
            }

            var scanFrom = filled;
            filled += read;
            var lineStart = 0;
            while (true)
            {
                var newline = buffer.AsSpan(scanFrom, filled - scanFrom).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                var end = scanFrom + newline;
                visitor.Visit(buffer.AsSpan(lineStart, end - lineStart));
                lineStart = end + 1;
                scanFrom = lineStart;
            }

            buffer.AsSpan(lineStart, filled - lineStart).CopyTo(buffer);
            filled -= lineStart;
        }
    }

    private interface ILineVisitor
    {
        void Visit(ReadOnlySpan<byte> line);
    }

    private struct CountingVisitor : ILineVisitor
    {
        public long Lines;
        public long Bytes;

        public void Visit(ReadOnlySpan<byte> line)
        {
            Lines++;
            Bytes += line.Length;
        }
    }

    private struct ParsingVisitor : ILineVisitor
    {
        public long Messages;

        public void Visit(ReadOnlySpan<byte> line)
        {
            if (ClaudeMessageParser.Parse(line) is not null)
            {
                Messages++;
            }
        }
    }

    private struct TokenizingVisitor : ILineVisitor
    {
        public long Tokens;

        public void Visit(ReadOnlySpan<byte> line)
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
                Tokens++;
            }
        }
    }

    private struct DocumentVisitor : ILineVisitor
    {
        public long Objects;

        public void Visit(ReadOnlySpan<byte> line)
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                Objects++;
            }
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(ThroughputColumn.FromMean, ThroughputColumn.FromMin);
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
