using System.Text;
using ClaudeOrchestration.Client;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Delegation;

/// <summary>Delegates typed requests to Claude Code agents, one at a time or as a dependency graph.</summary>
public interface IClaudeTaskDelegator
{
    /// <summary>Renders the request's prompt and runs it. Failures come back as a <see cref="DelegationStatus.Failed"/> result with the error.</summary>
    /// <exception cref="ArgumentException">The working directory lies outside the allowed roots.</exception>
    Task<DelegationResult> DelegateAsync(DelegationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs requests in dependency order: independent ones concurrently (within the client's process limit), each
    /// after all of its dependencies succeeded. A failed critical request stops the batch. Results come back in input order.
    /// </summary>
    /// <exception cref="DelegationGraphException">Duplicate ids, an unknown dependency, or a cycle.</exception>
    Task<IReadOnlyList<DelegationResult>> DelegateManyAsync(IEnumerable<DelegationRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>The prompt a request would run with.</summary>
    string RenderPrompt(DelegationRequest request);
}

/// <summary>The default <see cref="IClaudeTaskDelegator"/> on top of an <see cref="IClaudeClient"/>.</summary>
public sealed class ClaudeTaskDelegator : IClaudeTaskDelegator
{
    private readonly IClaudeClient _client;
    private readonly IOptionsMonitor<ClaudeDelegationOptions> _delegation;
    private readonly IOptionsMonitor<ClaudeOrchestrationOptions> _options;

    /// <summary>Creates the delegator.</summary>
    public ClaudeTaskDelegator(IClaudeClient client, IOptionsMonitor<ClaudeDelegationOptions> delegation, IOptionsMonitor<ClaudeOrchestrationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(delegation);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _delegation = delegation;
        _options = options;
    }

    /// <inheritdoc />
    public string RenderPrompt(DelegationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var templates = _delegation.CurrentValue.PromptTemplates;
        var template = templates.TryGetValue(request.TaskType, out var custom) ? custom : ClaudeDelegationOptions.DefaultTemplates[request.TaskType];
        var parameters = new StringBuilder();
        foreach (var (name, value) in request.Parameters)
        {
            parameters.Append("- ").Append(name).Append(": ").Append(value).Append('\n');
        }

        // Single pass over the template: placeholders are replaced literally and replacement text is never re-scanned,
        // so a description containing "{param:x}" stays as written.
        var output = new StringBuilder(template.Length + request.Description.Length + parameters.Length);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                output.Append(template, i, template.Length - i);
                break;
            }

            output.Append(template, i, open - i);
            var close = template.IndexOf('}', open + 1);
            if (close < 0)
            {
                output.Append(template, open, template.Length - open);
                break;
            }

            var name = template.AsSpan(open + 1, close - open - 1);
            if (Placeholder(request, name, parameters) is { } value)
            {
                output.Append(value);
            }
            else
            {
                output.Append(template, open, close - open + 1);
            }

            i = close + 1;
        }

        return output.ToString();
    }

    private string? Placeholder(DelegationRequest request, ReadOnlySpan<char> name, StringBuilder parameters)
    {
        if (name.SequenceEqual("description"))
        {
            return request.Description;
        }

        if (name.SequenceEqual("parameters"))
        {
            return parameters.Length == 0 ? string.Empty : "Parameters:\n" + parameters;
        }

        if (name.SequenceEqual("working_directory"))
        {
            return ResolveWorkingDirectory(request) ?? "the current directory";
        }

        if (name.SequenceEqual("project_context"))
        {
            return request.ProjectContext ?? "(none given)";
        }

        if (name.StartsWith("param:"))
        {
            return request.Parameters.TryGetValue(name["param:".Length..].ToString(), out var value) ? value : string.Empty;
        }

        return null;
    }

    /// <inheritdoc />
    public async Task<DelegationResult> DelegateAsync(DelegationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Description);
        var prompt = RenderPrompt(request);
        var workingDirectory = ResolveWorkingDirectory(request);
        var options = (request.RunOptions ?? new ClaudeRunOptions()) with
        {
            WorkingDirectory = workingDirectory,
            TaskId = request.Id,
            Priority = request.Priority,
        };

        ClaudeRunResult run;
        try
        {
            run = await _client.RunAsync(prompt, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            return new DelegationResult { Id = request.Id, TaskType = request.TaskType, Status = DelegationStatus.Cancelled, Reason = ex.Message, Error = ex };
        }
        catch (Exception ex) when (ex is ClaudeException or TimeoutException or IOException)
        {
            return new DelegationResult { Id = request.Id, TaskType = request.TaskType, Status = DelegationStatus.Failed, Reason = ex.Message, Error = ex };
        }

        if (run.IsError)
        {
            var error = new ClaudeResultException(run);
            return new DelegationResult { Id = request.Id, TaskType = request.TaskType, Status = DelegationStatus.Failed, Run = run, Reason = error.Message, Error = error };
        }

        var output = run.Text;
        if (_delegation.CurrentValue.PostProcessors.TryGetValue(request.TaskType, out var postProcess))
        {
            try
            {
                output = await postProcess(request, run, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new DelegationResult
                {
                    Id = request.Id, TaskType = request.TaskType, Status = DelegationStatus.Failed, Run = run,
                    Reason = $"The {request.TaskType} post-processor failed: {ex.Message}", Error = ex,
                };
            }
        }

        return new DelegationResult { Id = request.Id, TaskType = request.TaskType, Status = DelegationStatus.Succeeded, Run = run, Output = output };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DelegationResult>> DelegateManyAsync(IEnumerable<DelegationRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var list = requests.ToList();
        var order = DelegationGraph.TopologicalOrder(list);
        foreach (var request in list)
        {
            // Fail fast on a bad directory before anything runs.
            ResolveWorkingDirectory(request);
        }

        var byId = list.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var results = new Dictionary<string, DelegationResult>(StringComparer.Ordinal);
        var running = new Dictionary<Task<DelegationResult>, DelegationRequest>();
        var remaining = new HashSet<string>(order, StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? stoppedBy = null;

        while (remaining.Count > 0 || running.Count > 0)
        {
            // Start everything whose dependencies have all succeeded, in topological order; skip what can no longer run.
            foreach (var id in order)
            {
                if (!remaining.Contains(id))
                {
                    continue;
                }

                var request = byId[id];
                if (stoppedBy is not null || cancellationToken.IsCancellationRequested)
                {
                    remaining.Remove(id);
                    results[id] = Skipped(request, stoppedBy is not null
                        ? $"Not run: critical request '{stoppedBy}' failed."
                        : "Not run: the batch was cancelled.");
                    continue;
                }

                var failedDependency = request.DependsOn.FirstOrDefault(d => results.TryGetValue(d, out var r) && r.Status != DelegationStatus.Succeeded);
                if (failedDependency is not null)
                {
                    remaining.Remove(id);
                    results[id] = Skipped(request, $"Not run: dependency '{failedDependency}' did not succeed ({results[failedDependency].Status}).");
                    continue;
                }

                if (request.DependsOn.All(d => results.ContainsKey(d)))
                {
                    remaining.Remove(id);
                    running[DelegateAsync(request, stop.Token)] = request;
                }
            }

            if (running.Count == 0)
            {
                continue;
            }

            var finished = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var finishedRequest = running[finished];
            running.Remove(finished);
            var result = await finished.ConfigureAwait(false);
            results[finishedRequest.Id] = result;
            if (finishedRequest.Critical && result.Status != DelegationStatus.Succeeded && stoppedBy is null)
            {
                stoppedBy = finishedRequest.Id;
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        return [.. list.Select(r => results[r.Id])];
    }

    private static DelegationResult Skipped(DelegationRequest request, string reason) =>
        new() { Id = request.Id, TaskType = request.TaskType, Status = DelegationStatus.Skipped, Reason = reason };

    private string? ResolveWorkingDirectory(DelegationRequest request)
    {
        var requested = request.WorkingDirectory ?? request.RunOptions?.WorkingDirectory;
        var roots = _options.CurrentValue.AllowedWorkingDirectoryRoots;
        if (requested is null)
        {
            return null;
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(requested));
        if (roots.Count == 0)
        {
            return full;
        }

        foreach (var root in roots)
        {
            var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
            if (string.Equals(full, fullRoot, StringComparison.Ordinal) ||
                full.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return full;
            }
        }

        throw new ArgumentException(
            $"Request '{request.Id}' asks for working directory '{full}', which is outside the allowed roots ({string.Join(", ", roots)}). Add a root to ClaudeOrchestrationOptions.AllowedWorkingDirectoryRoots or pick a directory under one.",
            nameof(request));
    }
}

/// <summary>Validation and ordering of a request graph.</summary>
internal static class DelegationGraph
{
    /// <summary>Kahn's algorithm; ties keep input order. Throws on duplicate ids, unknown dependencies and cycles (naming the cycle).</summary>
    public static IReadOnlyList<string> TopologicalOrder(IReadOnlyList<DelegationRequest> requests)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i] ?? throw new ArgumentException("A request is null.", nameof(requests));
            if (!index.TryAdd(request.Id, i))
            {
                throw new DelegationGraphException($"Request id '{request.Id}' is used more than once; ids must be unique.", [request.Id]);
            }
        }

        var inDegree = new int[requests.Count];
        var dependents = new List<int>[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < requests.Count; i++)
        {
            foreach (var dependency in requests[i].DependsOn.Distinct(StringComparer.Ordinal))
            {
                if (!index.TryGetValue(dependency, out var d))
                {
                    throw new DelegationGraphException($"Request '{requests[i].Id}' depends on '{dependency}', which is not in the batch.", [requests[i].Id]);
                }

                inDegree[i]++;
                dependents[d].Add(i);
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < requests.Count; i++)
        {
            if (inDegree[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<string>(requests.Count);
        while (ready.TryDequeue(out var next, out _))
        {
            order.Add(requests[next].Id);
            foreach (var dependent in dependents[next])
            {
                if (--inDegree[dependent] == 0)
                {
                    ready.Enqueue(dependent, dependent);
                }
            }
        }

        if (order.Count != requests.Count)
        {
            var cycle = FindCycle(requests, index, inDegree);
            throw new DelegationGraphException($"The requests form a dependency cycle: {string.Join(" -> ", cycle)}.", cycle);
        }

        return order;
    }

    private static List<string> FindCycle(IReadOnlyList<DelegationRequest> requests, Dictionary<string, int> index, int[] inDegree)
    {
        // Walk dependencies from any node left with edges; within the leftover subgraph every node has a dependency there.
        var start = Array.FindIndex(inDegree, d => d > 0);
        var seenAt = new Dictionary<int, int>();
        var path = new List<int>();
        var current = start;
        while (!seenAt.ContainsKey(current))
        {
            seenAt[current] = path.Count;
            path.Add(current);
            current = requests[current].DependsOn.Select(d => index[d]).First(d => inDegree[d] > 0);
        }

        var cycle = path.Skip(seenAt[current]).Select(i => requests[i].Id).ToList();
        cycle.Add(requests[current].Id);
        return cycle;
    }
}
