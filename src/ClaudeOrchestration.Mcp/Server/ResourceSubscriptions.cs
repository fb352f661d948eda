using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>
/// Which MCP sessions subscribed to which resource URIs; tools that change a context or the knowledge base tell it, and it
/// sends <c>notifications/resources/updated</c> to the subscribers.
/// </summary>
internal sealed class ResourceSubscriptions(ILogger<ResourceSubscriptions>? logger = null)
{
    private readonly ConcurrentDictionary<McpServer, ConcurrentDictionary<string, byte>> _subscriptions = new();
    private readonly ILogger _logger = logger ?? NullLogger<ResourceSubscriptions>.Instance;

    public int Count => _subscriptions.Values.Sum(s => s.Count);

    public ValueTask<EmptyResult> SubscribeAsync(RequestContext<SubscribeRequestParams> context, CancellationToken cancellationToken)
    {
        var uri = context.Params?.Uri;
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new McpProtocolException("resources/subscribe needs a 'uri'.", McpErrorCode.InvalidParams);
        }

        _subscriptions.GetOrAdd(context.Server, _ => new(StringComparer.Ordinal)).TryAdd(uri, 0);
        return ValueTask.FromResult(new EmptyResult());
    }

    public ValueTask<EmptyResult> UnsubscribeAsync(RequestContext<UnsubscribeRequestParams> context, CancellationToken cancellationToken)
    {
        if (context.Params?.Uri is { } uri && _subscriptions.TryGetValue(context.Server, out var uris))
        {
            uris.TryRemove(uri, out _);
        }

        return ValueTask.FromResult(new EmptyResult());
    }

    /// <summary>Tells the sessions subscribed to <paramref name="uri"/> that it changed. Never throws.</summary>
    public async Task NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        var targets = _subscriptions.Where(s => s.Value.ContainsKey(uri)).Select(s => s.Key).ToList();
        ServerLog.ResourceChanged(_logger, uri, targets.Count);
        foreach (var server in targets)
        {
            try
            {
                await server.SendNotificationAsync(
                    NotificationMethods.ResourceUpdatedNotification,
                    new ResourceUpdatedNotificationParams { Uri = uri },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The session is gone (or its transport failed): forget it rather than fail the tool that changed the data.
                ServerLog.NotifyFailed(_logger, uri, ex);
                _subscriptions.TryRemove(server, out _);
            }
        }
    }
}
