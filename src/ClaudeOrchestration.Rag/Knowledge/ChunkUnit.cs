namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>What chunk sizes and overlaps are measured in.</summary>
public enum ChunkUnit
{
    /// <summary>Tokens of the configured tokenizer (by default <c>cl100k_base</c>, see <see cref="Context.RagTokenizer"/>).</summary>
    Tokens,

    /// <summary>UTF-16 characters (<see cref="string.Length"/>).</summary>
    Characters,
}
