using ClaudeOrchestration.Rag.Diagnostics;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>
/// Walks a folder for <see cref="KnowledgeBase.IngestDirectoryAsync"/>: matches files with globs, decodes each with
/// <see cref="KnowledgeFileDecoder"/>, hands the text to the knowledge base's write path and tallies the outcome.
/// </summary>
internal sealed class DirectoryIngestor(
    Func<KnowledgeDocument, CancellationToken, Task<KnowledgeWriteResult>> write,
    int maxDocumentCharacters,
    ILogger logger)
{
    private static readonly DirectoryIngestOptions DefaultOptions = new();

    private readonly Func<KnowledgeDocument, CancellationToken, Task<KnowledgeWriteResult>> _write = write;
    private readonly int _maxDocumentCharacters = maxDocumentCharacters;
    private readonly ILogger _logger = logger;

    /// <summary>Ingests the files under <paramref name="directory"/>; see <see cref="IKnowledgeBase.IngestDirectoryAsync"/>.</summary>
    public async Task<DirectoryIngestResult> IngestAsync(
        string directory,
        DirectoryIngestOptions? options = null,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= DefaultOptions;
        ValidateOptions(options);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Cannot ingest '{root}': the folder does not exist.");
        }

        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.knowledge.ingest");
        var matcher = new Matcher(OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        matcher.AddIncludePatterns(options.Include);
        matcher.AddExcludePatterns(options.Exclude);
        var files = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root)))
            .Files.Select(f => f.Path.Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        var idPrefix = options.Project is null ? string.Empty : options.Project + "/";
        int added = 0, updated = 0, unchanged = 0, chunksWritten = 0, processed = 0;
        var skipped = new List<SkippedFile>();
        foreach (var relative in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (text, skipStatus, reason) = await KnowledgeFileDecoder.ReadTextFileAsync(Path.Combine(root, relative), options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
            if (text is not null && text.Length > _maxDocumentCharacters)
            {
                reason = $"{text.Length} characters, over KnowledgeBaseOptions.MaxDocumentCharacters ({_maxDocumentCharacters})";
                skipStatus = IngestFileStatus.SkippedTooLarge;
                text = null;
            }

            IngestFileStatus status;
            if (text is null)
            {
                status = skipStatus;
                skipped.Add(new SkippedFile { Path = relative, Status = status, Reason = reason! });
                Log.FileSkipped(_logger, relative, reason!);
            }
            else
            {
                var written = await _write(
                    new KnowledgeDocument
                    {
                        Id = idPrefix + relative,
                        Text = text,
                        Project = options.Project,
                        SourcePath = relative,
                        Title = Path.GetFileName(relative),
                        Tags = options.Tags,
                    },
                    cancellationToken).ConfigureAwait(false);
                switch (written.Status)
                {
                    case KnowledgeWriteStatus.Added:
                        added++;
                        chunksWritten += written.ChunkCount;
                        status = IngestFileStatus.Added;
                        break;
                    case KnowledgeWriteStatus.Updated:
                        updated++;
                        chunksWritten += written.ChunkCount;
                        status = IngestFileStatus.Updated;
                        break;
                    default:
                        unchanged++;
                        status = IngestFileStatus.Unchanged;
                        break;
                }
            }

            processed++;
            progress?.Report(new IngestProgress
            {
                FilesMatched = files.Count,
                FilesProcessed = processed,
                ChunksWritten = chunksWritten,
                CurrentFile = relative,
                CurrentStatus = status,
            });
        }

        Log.DirectoryIngested(_logger, root, added, updated, unchanged, skipped.Count, chunksWritten);
        return new DirectoryIngestResult
        {
            FilesMatched = files.Count,
            Added = added,
            Updated = updated,
            Unchanged = unchanged,
            ChunksWritten = chunksWritten,
            Skipped = skipped,
        };
    }

    private static void ValidateOptions(DirectoryIngestOptions options)
    {
        if (options.Include is null || options.Include.Count == 0)
        {
            throw new ArgumentException("DirectoryIngestOptions.Include is empty; give at least one pattern, such as \"**/*.md\".", nameof(options));
        }

        if (options.MaxFileBytes < 1)
        {
            throw new ArgumentException($"DirectoryIngestOptions.MaxFileBytes is {options.MaxFileBytes}; it must be at least 1.", nameof(options));
        }

        if (options.Project is not null && string.IsNullOrWhiteSpace(options.Project))
        {
            throw new ArgumentException("DirectoryIngestOptions.Project is empty; give a project name or leave it null.", nameof(options));
        }
    }
}
