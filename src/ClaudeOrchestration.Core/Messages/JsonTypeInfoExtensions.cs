using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ClaudeOrchestration.Messages;

internal static class JsonTypeInfoExtensions
{
    /// <summary>
    /// Reads the value at the reader's position with the metadata's own converter. Converters use this instead of
    /// <c>JsonSerializer.Deserialize(ref reader, typeInfo)</c>, which first skips over the whole value to hand a scoped
    /// reader to the deserialiser and so tokenises every nested value twice (four times for a block inside an envelope).
    /// </summary>
    public static T? ReadNested<T>(this JsonTypeInfo<T> typeInfo, ref Utf8JsonReader reader) =>
        ((JsonConverter<T>)typeInfo.Converter).Read(ref reader, typeof(T), typeInfo.Options);
}
