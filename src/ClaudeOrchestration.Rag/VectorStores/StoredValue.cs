namespace ClaudeOrchestration.Rag.VectorStores;

/// <summary>Helpers for data values kept as objects by the in-memory store.</summary>
internal static class StoredValue
{
    /// <summary>Copies arrays so stored data cannot be changed through a caller's reference; other values are immutable or shared.</summary>
    public static object? Copy(object? value) => value is Array array ? array.Clone() : value;

    /// <summary>
    /// The default of a non-nullable value type, for dynamic records that omit a value: a filter over the property then
    /// compares against the default instead of failing on a null.
    /// </summary>
    public static object? DefaultFor(Type type) => type switch
    {
        _ when type == typeof(int) => 0,
        _ when type == typeof(long) => 0L,
        _ when type == typeof(short) => (short)0,
        _ when type == typeof(byte) => (byte)0,
        _ when type == typeof(float) => 0f,
        _ when type == typeof(double) => 0d,
        _ when type == typeof(decimal) => 0m,
        _ when type == typeof(bool) => false,
        _ when type == typeof(Guid) => Guid.Empty,
        _ when type == typeof(DateTime) => default(DateTime),
        _ when type == typeof(DateTimeOffset) => default(DateTimeOffset),
        _ => null,
    };
}
