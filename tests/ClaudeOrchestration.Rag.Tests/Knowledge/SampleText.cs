using System.Globalization;
using System.Text;

namespace ClaudeOrchestration.Rag.Tests.Knowledge;

/// <summary>Deterministic prose for chunking and ingest tests.</summary>
internal static class SampleText
{
    private static readonly string[] Subjects = ["The vector store", "A session", "The chunker", "Each document", "The embedding model", "Our agent"];
    private static readonly string[] Verbs = ["keeps", "splits", "ranks", "stores", "returns", "expires"];
    private static readonly string[] Objects = ["every chunk of text", "the newest turns first", "vectors in memory", "metadata beside the text", "results above the threshold", "idle sessions after a day"];

    /// <summary>Paragraphs of simple sentences; the same arguments always give the same text.</summary>
    public static string Paragraphs(int paragraphs, int sentencesPerParagraph, int seed = 1)
    {
        var random = new Random(seed);
        var builder = new StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            for (var s = 0; s < sentencesPerParagraph; s++)
            {
                builder.Append(Subjects[random.Next(Subjects.Length)]).Append(' ')
                    .Append(Verbs[random.Next(Verbs.Length)]).Append(' ')
                    .Append(Objects[random.Next(Objects.Length)])
                    .Append(string.Create(CultureInfo.InvariantCulture, $" in step {random.Next(1000)}."));
                builder.Append(s + 1 < sentencesPerParagraph ? " " : string.Empty);
            }

            builder.Append(p + 1 < paragraphs ? "\n\n" : "\n");
        }

        return builder.ToString();
    }
}
