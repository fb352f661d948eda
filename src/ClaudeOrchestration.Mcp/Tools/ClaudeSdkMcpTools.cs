using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp;

/// <summary>
/// Builds SDK <see cref="McpServerTool"/>s from the <c>[McpServerTool]</c> methods of a class, the way the MCP SDK's
/// <c>WithTools&lt;T&gt;()</c> does for a host's server: names, descriptions (<c>[Description]</c>), annotations,
/// <c>[McpMeta]</c> entries and the input schema all come from the SDK.
/// </summary>
public static class ClaudeSdkMcpTools
{
    private const BindingFlags ToolMethods = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;

    /// <summary>
    /// Creates a tool for each <c>[McpServerTool]</c> method of <typeparamref name="T"/>. Static methods are called directly;
    /// for an instance method a new <typeparamref name="T"/> is created per call with constructor injection from the
    /// request's services (disposed after the call when it is disposable).
    /// </summary>
    /// <typeparam name="T">The class that declares the tool methods.</typeparam>
    /// <param name="services">
    /// The services that tool parameters and constructors may resolve; pass the same provider to
    /// <see cref="ClaudeSdkMcpServer.Create(ClaudeSdkMcpServerOptions, IServiceProvider?, Microsoft.Extensions.Logging.ILoggerFactory?)"/>.
    /// Parameters it can supply are left out of the input schema.
    /// </param>
    /// <param name="serializerOptions">Options for arguments and results; <see langword="null"/> for the SDK's defaults.</param>
    /// <returns>The tools, in declaration order.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no <c>[McpServerTool]</c> method.</exception>
    public static IReadOnlyList<McpServerTool> FromType<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        IServiceProvider? services = null, JsonSerializerOptions? serializerOptions = null)
        where T : class =>
        Create(typeof(T), target: null, services, serializerOptions);

    /// <summary>
    /// Creates a tool for each <c>[McpServerTool]</c> method of <paramref name="target"/>'s type; instance methods run on
    /// <paramref name="target"/> itself, so it must be safe to call concurrently.
    /// </summary>
    /// <typeparam name="T">The class that declares the tool methods.</typeparam>
    /// <param name="target">The object whose instance methods become tools.</param>
    /// <param name="services">The services that tool parameters may resolve; see <see cref="FromType{T}"/>.</param>
    /// <param name="serializerOptions">Options for arguments and results; <see langword="null"/> for the SDK's defaults.</param>
    /// <returns>The tools, in declaration order.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no <c>[McpServerTool]</c> method.</exception>
    public static IReadOnlyList<McpServerTool> FromInstance<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        T target, IServiceProvider? services = null, JsonSerializerOptions? serializerOptions = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(target);
        return Create(typeof(T), target, services, serializerOptions);
    }

    private static McpServerTool[] Create(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] Type type,
        object? target,
        IServiceProvider? services,
        JsonSerializerOptions? serializerOptions)
    {
        var tools = type.GetMethods(ToolMethods)
            .Where(m => m.GetCustomAttribute<McpServerToolAttribute>() is not null)
            .OrderBy(m => m.MetadataToken)
            .Select(method =>
            {
                var options = new McpServerToolCreateOptions { Services = services, SerializerOptions = serializerOptions };
                if (method.IsStatic || target is not null)
                {
                    return McpServerTool.Create(method, method.IsStatic ? null : target, options);
                }

                return McpServerTool.Create(
                    method,
                    context => ActivatorUtilities.CreateInstance(context.Services ?? services ?? EmptyServiceProvider.Instance, type),
                    options);
            })
            .ToArray();

        return tools.Length > 0
            ? tools
            : throw new ArgumentException($"{type.FullName} has no method marked [McpServerTool]; mark the methods to expose (and describe them with [Description]).", nameof(type));
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
