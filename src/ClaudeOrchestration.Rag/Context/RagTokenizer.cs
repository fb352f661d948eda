using Microsoft.ML.Tokenizers;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// The tokenizer the RAG package counts tokens with by default: OpenAI's <c>cl100k_base</c> byte-pair encoding through
/// Microsoft.ML.Tokenizers (<see cref="TiktokenTokenizer"/>), with its vocabulary from the
/// Microsoft.ML.Tokenizers.Data.Cl100kBase package, so nothing is downloaded.
/// </summary>
/// <remarks>
/// Claude's own tokenizer is not public. <c>cl100k_base</c> approximates it: on English prose and code Claude usually
/// needs somewhat more tokens for the same text, so leave headroom when a budget must hold against Claude's real count.
/// Register another <see cref="Tokenizer"/> in DI to count differently.
/// </remarks>
public static class RagTokenizer
{
    /// <summary>The encoding name used by <see cref="Default"/>.</summary>
    public const string EncodingName = "cl100k_base";

    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding(EncodingName));

    /// <summary>A shared, thread-safe <c>cl100k_base</c> tokenizer (created on first use; loading takes a moment).</summary>
    public static Tokenizer Default => Shared.Value;
}
