namespace ClaudeOrchestration.Delegation;

/// <summary>Prompt templates and post-processors per task type. Hosts override any of them.</summary>
/// <remarks>
/// Templates are plain text with placeholders replaced literally (no expressions are evaluated):
/// <c>{description}</c>, <c>{parameters}</c> (a bullet list), <c>{param:NAME}</c>, <c>{working_directory}</c>, <c>{project_context}</c>.
/// </remarks>
public sealed class ClaudeDelegationOptions
{
    /// <summary>The template for each task type; types without an entry use <see cref="DefaultTemplates"/>.</summary>
    public IDictionary<ClaudeTaskType, string> PromptTemplates { get; } = new Dictionary<ClaudeTaskType, string>();

    /// <summary>A post-processor for each task type that needs one.</summary>
    public IDictionary<ClaudeTaskType, DelegationPostProcessor> PostProcessors { get; } = new Dictionary<ClaudeTaskType, DelegationPostProcessor>();

    /// <summary>The built-in templates.</summary>
    public static IReadOnlyDictionary<ClaudeTaskType, string> DefaultTemplates { get; } = new Dictionary<ClaudeTaskType, string>
    {
        [ClaudeTaskType.CodeGeneration] =
            "Write the code for this task.\n\nTask: {description}\n{parameters}\nProject: {project_context}\nWork only inside {working_directory}. Follow the project's existing conventions, keep the change minimal, and finish with a short summary of the files you changed.",
        [ClaudeTaskType.CodeReview] =
            "Review the code described below. Do not change any file.\n\nScope: {description}\n{parameters}\nProject: {project_context}\nReport concrete findings (file, line, problem, suggested fix), most severe first; say so plainly if you find nothing.",
        [ClaudeTaskType.FileOperation] =
            "Perform this file operation inside {working_directory} only.\n\nOperation: {description}\n{parameters}\nReport exactly which files you created, changed, moved or deleted.",
        [ClaudeTaskType.GitOperation] =
            "Perform this git operation in the repository at {working_directory}.\n\nOperation: {description}\n{parameters}\nNever force-push or rewrite published history unless told to. Report the commands you ran and their outcome.",
        [ClaudeTaskType.TestExecution] =
            "Run the tests described below in {working_directory} and report the outcome.\n\nTests: {description}\n{parameters}\nReport the command you ran, the counts of passed, failed and skipped tests, and each failure with its message.",
        [ClaudeTaskType.Documentation] =
            "Write or update documentation.\n\nTask: {description}\n{parameters}\nProject: {project_context}\nMatch the tone and format of the existing docs, and list the files you changed.",
        [ClaudeTaskType.Debugging] =
            "Find the cause of this problem and fix it.\n\nProblem: {description}\n{parameters}\nProject: {project_context}\nExplain the root cause in a few sentences, make the smallest fix, and say how you verified it.",
    };
}
