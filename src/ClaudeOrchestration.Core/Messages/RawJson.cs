using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A raw JSON payload kept beside a typed message. Built from the line's bytes, the <see cref="JsonElement"/> is only
/// materialised when somebody asks for it, so typed consumers do not pay for a second parse.
/// </summary>
/// <remarks>Thread-safe: concurrent first reads may both parse, and one of the equal results wins.</remarks>
internal sealed class RawJson
{
    private readonly byte[]? _utf8;
    private StrongBox<JsonElement>? _element;

    public RawJson(byte[] utf8) => _utf8 = utf8;

    public RawJson(JsonElement element) => _element = new StrongBox<JsonElement>(element.Clone());

    public JsonElement Element
    {
        get
        {
            var box = Volatile.Read(ref _element);
            if (box is null)
            {
                var reader = new Utf8JsonReader(_utf8, ClaudeMessageParser.ReaderOptions);
                box = new StrongBox<JsonElement>(JsonElement.ParseValue(ref reader));
                box = Interlocked.CompareExchange(ref _element, box, null) ?? box;
            }

            return box.Value;
        }
    }
}
