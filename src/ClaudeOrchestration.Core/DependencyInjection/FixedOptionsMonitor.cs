using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration;

/// <summary>Options that never change, for the <c>Create</c> factories used without DI.</summary>
internal sealed class FixedOptionsMonitor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
