using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.Tests.TestSupport;

namespace ClaudeOrchestration.Rag.Tests.Knowledge;

public sealed class DirectoryIngestTests : IDisposable
{
    private readonly StoreHarness _harness = new(StoreKind.Sqlite);
    private readonly string _root;
    private readonly KnowledgeBase _kb;

    public DirectoryIngestTests()
    {
        _root = _harness.Directory.CreateSubdirectory("docs");
        _kb = new KnowledgeBase(_harness.OpenCollection(), new HashingEmbeddingGenerator(), new KnowledgeBaseOptions { ChunkSize = 64, ChunkOverlap = 8 });
        Write("readme.md", "# Project\n\nThe project stores knowledge in SQLite.\n");
        Write("guide/setup.txt", SampleText.Paragraphs(4, 4));
        Write("guide/utf16.txt", "UTF-16 text with a byte order mark about tokenizers.", new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        Write("bin/Debug/generated.md", "Build output that must be excluded.");
        Write("empty.txt", "   \n");
        File.WriteAllBytes(Path.Combine(_root, "logo.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]);
        File.WriteAllBytes(Path.Combine(_root, "latin1.txt"), [0x63, 0x61, 0x66, 0xE9, 0x20, 0xFF]);
        Write("big.txt", new string('x', 5000));
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task IngestDirectoryAsync_MixedFolder_StoresTextFilesSkipsTheRestAndReportsEveryFile()
    {
        var progress = new SyncProgress<IngestProgress>();

        var result = await _kb.IngestDirectoryAsync(_root, new DirectoryIngestOptions { MaxFileBytes = 4096, Project = "demo", Tags = ["docs"] }, progress, Ct);

        Assert.Equal(7, result.FilesMatched); // bin/ is excluded by default
        Assert.Equal(3, result.Added);
        Assert.True(result.ChunksWritten >= 3);
        Assert.Equal(
            [("big.txt", IngestFileStatus.SkippedTooLarge), ("empty.txt", IngestFileStatus.SkippedEmpty), ("latin1.txt", IngestFileStatus.SkippedBinary), ("logo.png", IngestFileStatus.SkippedBinary)],
            result.Skipped.Select(s => (s.Path, s.Status)).Order());
        Assert.Equal(7, progress.Reports.Count);
        Assert.Equal(Enumerable.Range(1, 7), progress.Reports.Select(p => p.FilesProcessed));
        Assert.All(progress.Reports, p => Assert.Equal(7, p.FilesMatched));
        Assert.Equal(result.ChunksWritten, progress.Reports[^1].ChunksWritten);
        Assert.Contains(progress.Reports, p => p.CurrentFile == "guide/setup.txt" && p.CurrentStatus == IngestFileStatus.Added);

        var stored = await _kb.GetAsync("demo/guide/utf16.txt", Ct);
        Assert.NotNull(stored);
        Assert.Equal("UTF-16 text with a byte order mark about tokenizers.", stored.Text);
        Assert.Equal(("demo", "guide/utf16.txt", "utf16.txt"), (stored.Project, stored.SourcePath, stored.Title));
        Assert.Equal(["docs"], stored.Tags);
        var hit = (await _kb.SearchAsync("where is knowledge stored? SQLite", new KnowledgeSearchOptions { Filter = new KnowledgeFilter { Project = "demo" } }, Ct))[0];
        Assert.Equal("readme.md", hit.SourcePath);
    }

    [Fact]
    public async Task IngestDirectoryAsync_Again_ReportsUnchangedThenUpdatedForAnEditedFile()
    {
        var options = new DirectoryIngestOptions { MaxFileBytes = 4096 };
        await _kb.IngestDirectoryAsync(_root, options, cancellationToken: Ct);

        var unchanged = await _kb.IngestDirectoryAsync(_root, options, cancellationToken: Ct);
        Write("readme.md", "# Project\n\nThe project now stores knowledge in PostgreSQL.\n");
        var edited = await _kb.IngestDirectoryAsync(_root, options, cancellationToken: Ct);

        Assert.Equal((0, 0, 3, 0), (unchanged.Added, unchanged.Updated, unchanged.Unchanged, unchanged.ChunksWritten));
        Assert.Equal((0, 1, 2), (edited.Added, edited.Updated, edited.Unchanged));
        Assert.Contains("PostgreSQL", (await _kb.GetAsync("readme.md", Ct))!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestDirectoryAsync_IncludePattern_ReadsOnlyMatchingFiles()
    {
        var result = await _kb.IngestDirectoryAsync(_root, new DirectoryIngestOptions { Include = ["**/*.md"] }, cancellationToken: Ct);

        Assert.Equal(1, result.FilesMatched);
        Assert.NotNull(await _kb.GetAsync("readme.md", Ct));
        Assert.Null(await _kb.GetAsync("guide/setup.txt", Ct));
    }

    [Fact]
    public async Task IngestDirectoryAsync_MissingFolder_ThrowsDirectoryNotFound() =>
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => _kb.IngestDirectoryAsync(Path.Combine(_root, "nope"), cancellationToken: Ct));

    [Fact]
    public async Task IngestDirectoryAsync_Cancelled_StopsWithOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var progress = new CancelAfterFirst(cts);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _kb.IngestDirectoryAsync(_root, new DirectoryIngestOptions { MaxFileBytes = 4096 }, progress, cts.Token));

        Assert.Equal(1, progress.Reports);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Write(string relative, string text, System.Text.Encoding? encoding = null)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, encoding ?? new System.Text.UTF8Encoding(false));
    }

    private sealed class CancelAfterFirst(CancellationTokenSource cts) : IProgress<IngestProgress>
    {
        public int Reports { get; private set; }

        public void Report(IngestProgress value)
        {
            Reports++;
            cts.Cancel();
        }
    }
}
