using System.Text;
using ClaudeOrchestration.Transport;

namespace ClaudeOrchestration.Core.Tests.Transport;

public sealed class BoundedLineReaderTests
{
    [Fact]
    public async Task ReadLineAsync_LinesSplitAcrossChunks_ReturnsWholeLines()
    {
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes("{\"a\":1}\n{\"b\":2}\r\nlast"), chunkSize: 3);
        await using var reader = new BoundedLineReader(stream, 1024);

        var lines = new List<string>();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            lines.Add(Encoding.UTF8.GetString(line));
        }

        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "last"], lines);
    }

    [Fact]
    public async Task EndWhenIdle_WriterStillOpenAndConsumerSlow_HandsOutEverythingWrittenThenEnds()
    {
        // The writer end stays open, as when a stray descendant inherited the pipe. What was written before the idle limit
        // was armed sits in the OS pipe, not in the reader's buffer: it must still come out.
        using var server = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var client = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, server.ClientSafePipeHandle);
        server.Write("one\ntwo\nthree"u8);
        server.Flush();
        await using var reader = new BoundedLineReader(client, 1024);

        reader.EndWhenIdle(TimeSpan.FromMilliseconds(1));

        var lines = new List<string>();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            lines.Add(Encoding.UTF8.GetString(line));
        }

        Assert.Equal(["one", "two", "three"], lines);
        Assert.True(reader.EndedIdle);
    }

    [Fact]
    public async Task EndWhenIdle_ArmedWhileAReadWaits_EndsThatRead()
    {
        using var server = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var client = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, server.ClientSafePipeHandle);
        await using var reader = new BoundedLineReader(client, 1024);

        var waiting = reader.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        reader.EndWhenIdle(TimeSpan.FromMilliseconds(1));

        Assert.Null(await waiting);
    }

    [Fact]
    public async Task ReadLineAsync_LineOverCap_ThrowsWithoutBufferingTheWholeLine()
    {
        // An endless line: if the reader buffered it, this test would run out of memory instead of throwing.
        var stream = new EndlessStream((byte)'x');
        await using var reader = new BoundedLineReader(stream, 64 * 1024);

        var ex = await Assert.ThrowsAsync<LineTooLongException>(async () => await reader.ReadLineAsync(TestContext.Current.CancellationToken));

        Assert.Equal(64 * 1024, ex.MaxLineBytes);
        Assert.True(stream.BytesServed < 1024 * 1024, $"read {stream.BytesServed} bytes before failing");
        Assert.StartsWith("xxxx", ex.Preview);
    }

    [Fact]
    public async Task ReadLineAsync_LineExactlyAtCap_IsAccepted()
    {
        var payload = new string('y', 100);
        await using var reader = new BoundedLineReader(new MemoryStream(Encoding.UTF8.GetBytes(payload + "\nnext\n")), 100);

        var first = Encoding.UTF8.GetString((await reader.ReadLineAsync(TestContext.Current.CancellationToken))!.Value);
        var second = Encoding.UTF8.GetString((await reader.ReadLineAsync(TestContext.Current.CancellationToken))!.Value);

        Assert.Equal(payload, first);
        Assert.Equal("next", second);
    }

    [Fact]
    public async Task ReadLineAsync_TruncatingMode_CutsLongLineAndKeepsReading()
    {
        var text = new string('z', 5000) + "\nshort\n";
        await using var reader = new BoundedLineReader(new ChunkedStream(Encoding.UTF8.GetBytes(text), 700), 1000, truncateLongLines: true);

        // A returned line is valid until the next call, so each is read out at once.
        var first = (await reader.ReadLineAsync(TestContext.Current.CancellationToken))!.Value.Length;
        var second = Encoding.UTF8.GetString((await reader.ReadLineAsync(TestContext.Current.CancellationToken))!.Value);
        var end = await reader.ReadLineAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1000, first);
        Assert.Equal("short", second);
        Assert.Null(end);
    }

    [Fact]
    public async Task ReadLineAsync_ManySmallLines_CountsBytes()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            builder.Append("{\"i\":").Append(i).Append("}\n");
        }

        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        await using var reader = new BoundedLineReader(new ChunkedStream(bytes, 4096), 128);
        var count = 0;
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is not null)
        {
            count++;
        }

        Assert.Equal(10_000, count);
        Assert.Equal(bytes.Length, reader.BytesRead);
    }

    private sealed class ChunkedStream(byte[] data, int chunkSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunkSize), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class EndlessStream(byte fill) : Stream
    {
        public long BytesServed { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, fill, offset, count);
            BytesServed += count;
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
