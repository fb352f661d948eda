using System.Text;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Transport;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Delegation;

/// <summary>Delegates typed requests to Claude Code agents, one at a time or as a dependency graph.</summary>
public interface IClaudeTaskDelegator
{
    /// <summary>
    /// Renders the request's prompt and runs it. Every failure of the request (an invalid request, a working directory
    /// outside the allowed roots, a process or protocol failure, an error result, a throwing post-processor) comes back
    /// as a <see cref="DelegationStatus.Failed"/> result with the error; cancellation as <see cref="DelegationStatus.Cancelled"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    Task<DelegationResult> DelegateAsync(DelegationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs requests in dependency order: independent ones concurrently (within the client's process limit), each
    /// after all of its dependencies succeeded. A failed critical request stops the batch: running requests are cancelled
    /// and awaited, the rest skipped. Results come back in input order; the call returns only when every request it
    /// started has ended. Concurrent batches may reuse the same request ids.
    /// </summary>
    /// <exception cref="DelegationGraphException">Duplicate ids, an unknown dependency, or a cycle (nothing has run).</exception>
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
    public Task<DelegationResult> DelegateAsync(DelegationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DelegateCoreAsync(request, NewScope(), cancellationToken);
    }

    private async Task<DelegationResult> DelegateCoreAsync(DelegationRequest request, string scope, CancellationToken cancellationToken)
    {
        // The registry id is unique per call or batch, so two batches that both use "impl" never collide; the caller's id
        // stays on the result.
        var taskId = $"{scope}/{request.Id}";
        ClaudeRunResult? run = null;
        try
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(request.Id, nameof(DelegationRequest.Id));
            ArgumentException.ThrowIfNullOrWhiteSpace(request.Description, nameof(DelegationRequest.Description));
            var prompt = RenderPrompt(request);
            var options = (request.RunOptions ?? new ClaudeRunOptions()) with
            {
                WorkingDirectory = ResolveWorkingDirectory(request),
                TaskId = taskId,
                Priority = request.Priority,
            };

            run = await _client.RunAsync(prompt, options, cancellationToken).ConfigureAwait(false);
            if (run.IsError)
            {
                var error = new ClaudeResultException(run);
                return Result(request, taskId, DelegationStatus.Failed, run, reason: error.Message, error: error);
            }

            var output = run.Text;
            if (_delegation.CurrentValue.PostProcessors.TryGetValue(request.TaskType, out var postProcess))
            {
                try
                {
                    output = await postProcess(request, run, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return Result(request, taskId, DelegationStatus.Failed, run, reason: $"The {request.TaskType} post-processor failed: {ex.Message}", error: ex);
                }
            }

            return Result(request, taskId, DelegationStatus.Succeeded, run, output: output);
        }
        catch (OperationCanceledException ex)
        {
            return Result(request, taskId, DelegationStatus.Cancelled, run, reason: ex.Message, error: ex);
        }
        catch (Exception ex)
        {
            return Result(request, taskId, DelegationStatus.Failed, run, reason: ex.Message, error: ex);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DelegationResult>> DelegateManyAsync(IEnumerable<DelegationRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var list = requests.ToList();
        var order = DelegationGraph.TopologicalOrder(list);
        var scope = NewScope();
        var byId = list.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var results = new Dictionary<string, DelegationResult>(StringComparer.Ordinal);
        var running = new Dictionary<Task<DelegationResult>, DelegationRequest>();
        var remaining = new HashSet<string>(order, StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? stoppedBy = null;

        try
        {
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
                        running[DelegateCoreAsync(request, scope, stop.Token)] = request;
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
        }
        finally
        {
            if (running.Count > 0)
            {
                // Leaving early (a bug, or a failure no request owns): nothing this call started outlives it.
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await Task.WhenAll(running.Keys).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The original failure is the one to report.
                }
            }
        }

        return [.. list.Select(r => results[r.Id])];
    }

    private static string NewScope() => Guid.NewGuid().ToString("n")[..12];

    private static DelegationResult Result(
        DelegationRequest request, string taskId, DelegationStatus status, ClaudeRunResult? run,
        string? output = null, string? reason = null, Exception? error = null) =>
        new()
        {
            Id = request.Id, TaskId = taskId, TaskType = request.TaskType, Status = status, Run = run,
            Output = output, Reason = reason, Error = error,
        };

    private static DelegationResult Skipped(DelegationRequest request, string reason) =>
        new() { Id = request.Id, TaskType = request.TaskType, Status = DelegationStatus.Skipped, Reason = reason };

    private string? ResolveWorkingDirectory(DelegationRequest request)
    {
        // The same policy the client applies (links resolved); checked here too so the prompt names the real directory and
        // a refused one fails before anything is queued.
        var requested = request.WorkingDirectory ?? request.RunOptions?.WorkingDirectory;
        return requested is null ? null : WorkingDirectoryPolicy.From(_options.CurrentValue).Check(requested, $"working directory of request '{request.Id}'");
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
