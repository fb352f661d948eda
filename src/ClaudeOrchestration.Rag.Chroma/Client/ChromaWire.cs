using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Rag.Chroma;

// Request and response bodies of Chroma's v2 API as served by Chroma 1.0 (see README). Unknown fields in responses are
// ignored, so newer servers that add fields still work.

internal sealed class ChromaNameRequest
{
    public required string Name { get; init; }
}

internal sealed class ChromaCreateCollectionRequest
{
    public required string Name { get; init; }

    public JsonObject? Configuration { get; init; }

    public JsonObject? Metadata { get; init; }

    public bool GetOrCreate { get; init; }
}

internal sealed class ChromaCollectionInfo
{
    public string Id { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public JsonObject? Metadata { get; set; }

    public JsonObject? ConfigurationJson { get; set; }

    public int? Dimension { get; set; }
}

internal sealed class ChromaRecordsRequest
{
    public required IReadOnlyList<string> Ids { get; init; }

    public IReadOnlyList<float[]>? Embeddings { get; init; }

    public IReadOnlyList<JsonObject?>? Metadatas { get; init; }
}

internal sealed class ChromaGetRequest
{
    public IReadOnlyList<string>? Ids { get; init; }

    public JsonObject? Where { get; init; }

    public int? Limit { get; init; }

    public int? Offset { get; init; }

    public required IReadOnlyList<string> Include { get; init; }
}

internal sealed class ChromaGetResponse
{
    public List<string> Ids { get; set; } = [];

    public List<float[]?>? Embeddings { get; set; }

    public List<JsonObject?>? Metadatas { get; set; }
}

internal sealed class ChromaQueryRequest
{
    public required IReadOnlyList<float[]> QueryEmbeddings { get; init; }

    public int NResults { get; init; }

    public JsonObject? Where { get; init; }

    public required IReadOnlyList<string> Include { get; init; }
}

internal sealed class ChromaQueryResponse
{
    public List<List<string>> Ids { get; set; } = [];

    public List<List<float[]?>?>? Embeddings { get; set; }

    public List<List<JsonObject?>?>? Metadatas { get; set; }

    public List<List<double?>?>? Distances { get; set; }
}

internal sealed class ChromaDeleteRequest
{
    public IReadOnlyList<string>? Ids { get; init; }

    public JsonObject? Where { get; init; }
}

internal sealed class ChromaPreFlight
{
    public int MaxBatchSize { get; set; }
}

internal sealed class ChromaHeartbeat
{
    [JsonPropertyName("nanosecond heartbeat")]
    public long NanosecondHeartbeat { get; set; }
}

internal sealed class ChromaErrorBody
{
    public string? Error { get; set; }

    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ChromaNameRequest))]
[JsonSerializable(typeof(ChromaCreateCollectionRequest))]
[JsonSerializable(typeof(ChromaCollectionInfo))]
[JsonSerializable(typeof(List<ChromaCollectionInfo>))]
[JsonSerializable(typeof(ChromaRecordsRequest))]
[JsonSerializable(typeof(ChromaGetRequest))]
[JsonSerializable(typeof(ChromaGetResponse))]
[JsonSerializable(typeof(ChromaQueryRequest))]
[JsonSerializable(typeof(ChromaQueryResponse))]
[JsonSerializable(typeof(ChromaDeleteRequest))]
[JsonSerializable(typeof(ChromaPreFlight))]
[JsonSerializable(typeof(ChromaHeartbeat))]
[JsonSerializable(typeof(ChromaErrorBody))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class ChromaJsonContext : JsonSerializerContext;
