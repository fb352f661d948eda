using System.Globalization;
using System.Text;

namespace ClaudeOrchestration.Benchmarks.Quality;

/// <summary>The CISI test collection: 1,460 abstracts, 112 queries, binary judgements for 76 of them.</summary>
public sealed class CisiCorpus
{
    /// <summary>Document id → text (title and abstract; authors and citations left out).</summary>
    public required IReadOnlyDictionary<string, string> Documents { get; init; }

    /// <summary>Query id → text, judged queries only.</summary>
    public required IReadOnlyDictionary<string, string> Queries { get; init; }

    /// <summary>Query id → relevant document ids.</summary>
    public required IReadOnlyDictionary<string, IReadOnlySet<string>> Relevant { get; init; }

    /// <summary>Reads <c>CISI.ALL</c>, <c>CISI.QRY</c> and <c>CISI.REL</c> from <paramref name="directory"/>.</summary>
    public static CisiCorpus Load(string directory)
    {
        var documents = ParseRecords(Path.Combine(directory, "CISI.ALL"), ['T', 'W']);
        var queries = ParseRecords(Path.Combine(directory, "CISI.QRY"), ['T', 'W']);
        var relevant = new Dictionary<string, HashSet<string>>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "CISI.REL")))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                continue;
            }

            if (!relevant.TryGetValue(parts[0], out var set))
            {
                set = [];
                relevant[parts[0]] = set;
            }

            _ = set.Add(parts[1]);
        }

        return new CisiCorpus
        {
            Documents = documents,
            Queries = queries.Where(q => relevant.ContainsKey(q.Key)).ToDictionary(q => q.Key, q => q.Value),
            Relevant = relevant.ToDictionary(r => r.Key, r => (IReadOnlySet<string>)r.Value),
        };
    }

    private static Dictionary<string, string> ParseRecords(string path, char[] keep)
    {
        var records = new Dictionary<string, string>();
        string? id = null;
        char field = ' ';
        var text = new StringBuilder();
        void Flush()
        {
            if (id is not null)
            {
                records[id] = text.ToString().Trim();
            }
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(".I ", StringComparison.Ordinal))
            {
                Flush();
                id = int.Parse(line[3..].Trim(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
                text.Clear();
                field = ' ';
            }
            else if (line.Length >= 2 && line[0] == '.' && char.IsLetter(line[1]) && line.TrimEnd().Length == 2)
            {
                field = line[1];
            }
            else if (Array.IndexOf(keep, field) >= 0)
            {
                text.Append(line.Trim()).Append(field == 'T' ? "\n" : " ");
            }
        }

        Flush();
        return records;
    }
}
