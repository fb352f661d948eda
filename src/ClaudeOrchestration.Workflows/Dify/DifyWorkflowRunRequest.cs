using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>What to run: the inputs of the app's published workflow and the end user it runs for.</summary>
public sealed class DifyWorkflowRunRequest
{
    /// <summary>The workflow's input variables by name, as the app's <c>user_input_form</c> declares them. Empty by default.</summary>
    public JsonObject Inputs { get; init; } = [];

    /// <summary>
    /// The end-user id, defined by your app. Dify scopes runs and files to it: stopping, resuming or reading a run needs the same value.
    /// </summary>
    public required string User { get; init; }

    /// <summary>Files for vision-capable models, or <see langword="null"/>.</summary>
    public IReadOnlyList<DifyInputFile>? Files { get; init; }

    /// <summary>
    /// A published workflow <em>version</em> id (the <c>workflow_id</c> Dify reports) to run instead of the current one, through
    /// <c>POST /workflows/{workflow_id}/run</c>; <see langword="null"/> (the default) runs the published workflow. Not an app id:
    /// the API key selects the app. Dify Cloud's sandbox plan refuses this with 403.
    /// </summary>
    public string? WorkflowVersionId { get; init; }
}

/// <summary>A file passed to a workflow: either a URL or the id of a file uploaded through <c>POST /files/upload</c>.</summary>
public sealed class DifyInputFile
{
    /// <summary>The kind of file: <c>image</c>, <c>document</c>, <c>audio</c>, <c>video</c> or <c>custom</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>remote_url</c> (set <see cref="Url"/>) or <c>local_file</c> (set <see cref="UploadFileId"/>).</summary>
    public required string TransferMethod { get; init; }

    /// <summary>The file's URL, for <c>remote_url</c>.</summary>
    public string? Url { get; init; }

    /// <summary>The id returned by the upload endpoint, for <c>local_file</c>.</summary>
    public string? UploadFileId { get; init; }

    /// <summary>A file Dify downloads from <paramref name="url"/>.</summary>
    /// <param name="type">The kind of file, e.g. <c>image</c>.</param>
    /// <param name="url">The URL.</param>
    /// <returns>The file reference.</returns>
    public static DifyInputFile FromUrl(string type, Uri url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(url);
        return new DifyInputFile { Type = type, TransferMethod = "remote_url", Url = url.AbsoluteUri };
    }

    /// <summary>A file uploaded earlier for the same user.</summary>
    /// <param name="type">The kind of file, e.g. <c>document</c>.</param>
    /// <param name="uploadFileId">The id the upload returned.</param>
    /// <returns>The file reference.</returns>
    public static DifyInputFile FromUpload(string type, string uploadFileId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(uploadFileId);
        return new DifyInputFile { Type = type, TransferMethod = "local_file", UploadFileId = uploadFileId };
    }
}
