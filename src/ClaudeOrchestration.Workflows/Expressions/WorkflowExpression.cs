using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NCalc;

namespace ClaudeOrchestration.Workflows.Expressions;

/// <summary>
/// Safe expressions for conditions (<c>when</c>, <c>conditional</c>, <c>loop</c> while): NCalc's language, locked down.
/// </summary>
/// <remarks>
/// NCalc parses to its own tree and interprets it: no <c>eval</c>, no Roslyn, no reflection, no member access on .NET
/// objects, no loops, no assignment. On top of that, an expression may only call the functions in
/// <see cref="AllowedFunctions"/> (checked when the definition is built), may only name workflow values
/// (<c>[nodes.id.outputs.x]</c>, <c>[inputs.x]</c>, <c>[loop.item]</c>...), which reach it as JSON scalars or lists of
/// scalars — never as .NET objects — and is at most <see cref="MaxLength"/> characters, so evaluation is bounded by its size.
/// </remarks>
internal static class WorkflowExpression
{
    public const int MaxLength = 2_000;

    private static readonly TimeSpan EvaluationTimeLimit = TimeSpan.FromSeconds(1);

    public static readonly IReadOnlySet<string> AllowedFunctions = new HashSet<string>(StringComparer.Ordinal)
    {
        "Abs", "Ceiling", "Floor", "Max", "Min", "Round", "Sign", "Truncate", "Pow", "Sqrt",
        "if", "in", "ifs",
        "contains", "length", "empty", "lower", "upper", "startsWith", "endsWith",
    };

    private static readonly string[] Roots = ["nodes", "inputs", "loop", "run"];

    /// <summary>Checks an expression; returns the error, or null with the workflow values it names.</summary>
    public static string? Validate(string text, out IReadOnlyList<string> parameters)
    {
        parameters = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return "the expression is empty";
        }

        if (text.Length > MaxLength)
        {
            return $"the expression is {text.Length} characters long; the limit is {MaxLength}";
        }

        foreach (var function in FindFunctionCalls(text))
        {
            if (!AllowedFunctions.Contains(function))
            {
                return $"the function '{function}' is not allowed (allowed: {string.Join(", ", AllowedFunctions)})";
            }
        }

        Expression expression;
        try
        {
            expression = new Expression(text, ExpressionOptions.AllowNullParameter);
            if (expression.HasErrors())
            {
                return $"it does not parse: {expression.Error?.Message}";
            }

            parameters = expression.GetParameterNames();
            foreach (var function in expression.GetFunctionNames())
            {
                if (!AllowedFunctions.Contains(function))
                {
                    return $"the function '{function}' is not allowed (allowed: {string.Join(", ", AllowedFunctions)})";
                }
            }
        }
        catch (Exception ex)
        {
            return $"it does not parse: {ex.Message}";
        }

        foreach (var name in parameters)
        {
            if (!IsWorkflowPath(name))
            {
                return $"'{name}' is not a workflow value; name one in brackets, such as [nodes.review.outputs.approved], [inputs.count] or [loop.item]";
            }
        }

        return null;
    }

    /// <summary>Whether a name is a dotted path under one of the workflow's roots.</summary>
    public static bool IsWorkflowPath(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var root = dot < 0 ? name : name[..dot];
        return Array.IndexOf(Roots, root) >= 0 && name.Split('.').All(s => s.Length > 0);
    }

    /// <summary>Evaluates an expression that <see cref="Validate"/> accepted.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="resolve">Resolves a workflow path to its JSON value; throws when the path is unknown.</param>
    public static object? Evaluate(string text, Func<string, JsonNode?> resolve)
    {
        var error = Validate(text, out _);
        if (error is not null)
        {
            throw new WorkflowExpressionException($"The expression '{Truncate(text)}' is invalid: {error}.");
        }

        var expression = new Expression(text, ExpressionOptions.AllowNullParameter);
        expression.EvaluateParameter += (name, args) => args.Result = ToScalar(name, resolve(name));
        expression.EvaluateFunction += (name, args) =>
        {
            switch (name)
            {
                case "contains":
                    RequireArguments(name, args.Parameters.Count, 2);
                    args.Result = Contains(args.Parameters.Evaluate(0), args.Parameters.Evaluate(1));
                    break;
                case "length":
                    RequireArguments(name, args.Parameters.Count, 1);
                    args.Result = Length(args.Parameters.Evaluate(0));
                    break;
                case "empty":
                    RequireArguments(name, args.Parameters.Count, 1);
                    args.Result = Length(args.Parameters.Evaluate(0)) == 0;
                    break;
                case "lower":
                    RequireArguments(name, args.Parameters.Count, 1);
                    args.Result = Convert.ToString(args.Parameters.Evaluate(0), CultureInfo.InvariantCulture)?.ToLowerInvariant();
                    break;
                case "upper":
                    RequireArguments(name, args.Parameters.Count, 1);
                    args.Result = Convert.ToString(args.Parameters.Evaluate(0), CultureInfo.InvariantCulture)?.ToUpperInvariant();
                    break;
                case "startsWith":
                    RequireArguments(name, args.Parameters.Count, 2);
                    args.Result = (Convert.ToString(args.Parameters.Evaluate(0), CultureInfo.InvariantCulture) ?? "")
                        .StartsWith(Convert.ToString(args.Parameters.Evaluate(1), CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal);
                    break;
                case "endsWith":
                    RequireArguments(name, args.Parameters.Count, 2);
                    args.Result = (Convert.ToString(args.Parameters.Evaluate(0), CultureInfo.InvariantCulture) ?? "")
                        .EndsWith(Convert.ToString(args.Parameters.Evaluate(1), CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal);
                    break;
                default:
                    break;
            }
        };

        // The language has no loops, so evaluation is bounded by the expression's size; the time limit is a backstop.
        using var limit = new CancellationTokenSource(EvaluationTimeLimit);
        try
        {
            return expression.Evaluate(limit.Token);
        }
        catch (WorkflowException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new WorkflowExpressionException($"The expression '{Truncate(text)}' failed: {ex.Message}", ex);
        }
    }

    /// <summary>Evaluates a condition; it must produce a boolean.</summary>
    public static bool EvaluateCondition(string text, Func<string, JsonNode?> resolve) =>
        Evaluate(text, resolve) switch
        {
            bool b => b,
            var other => throw new WorkflowExpressionException(
                $"The condition '{Truncate(text)}' produced {Describe(other)}, not true or false."),
        };

    /// <summary>Turns a JSON value into what an expression sees: a string, number, boolean, null, or a list of those.</summary>
    public static object? ToScalar(string name, JsonNode? node) => node switch
    {
        null => null,
        JsonValue value => ValueOf(value),
        JsonArray array => array.Select(item => item is JsonObject or JsonArray
            ? throw new WorkflowExpressionException($"'{name}' is a list of objects or lists; an expression can only use lists of plain values.")
            : ValueOf((JsonValue?)item)).ToList(),
        _ => throw new WorkflowExpressionException($"'{name}' is an object; name one of its properties, such as [{name}.field]."),
    };

    private static object? ValueOf(JsonValue? value)
    {
        if (value is null)
        {
            return null;
        }

        var element = WorkflowTemplate.ToElement(value);
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when element.TryGetInt64(out var l) => l,
            JsonValueKind.Number => element.GetDouble(),
            _ => null,
        };
    }

    private static bool Contains(object? haystack, object? needle) => haystack switch
    {
        string s => s.Contains(Convert.ToString(needle, CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal),
        IEnumerable<object?> list => list.Any(item => Equals(item, needle) || string.Equals(
            Convert.ToString(item, CultureInfo.InvariantCulture), Convert.ToString(needle, CultureInfo.InvariantCulture), StringComparison.Ordinal)),
        null => false,
        _ => throw new WorkflowExpressionException("contains() takes a string or a list as its first argument."),
    };

    private static int Length(object? value) => value switch
    {
        null => 0,
        string s => s.Length,
        IEnumerable<object?> list => list.Count(),
        _ => throw new WorkflowExpressionException("length() takes a string or a list."),
    };

    private static void RequireArguments(string name, int actual, int expected)
    {
        if (actual != expected)
        {
            throw new WorkflowExpressionException($"{name}() takes {expected} argument(s), not {actual}.");
        }
    }

    private static string Describe(object? value) => value is null ? "null" : $"a {value.GetType().Name} ({value})";

    internal static string Truncate(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 117), "...");

    /// <summary>Finds <c>name(</c> outside string literals and bracketed parameters.</summary>
    private static IEnumerable<string> FindFunctionCalls(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                i = end < 0 ? text.Length : end + 1;
                continue;
            }

            if (c is '[' or '{')
            {
                var end = text.IndexOf(c == '[' ? ']' : '}', i + 1);
                i = end < 0 ? text.Length : end + 1;
                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                var name = text[start..i];
                var j = i;
                while (j < text.Length && char.IsWhiteSpace(text[j]))
                {
                    j++;
                }

                if (j < text.Length && text[j] == '(')
                {
                    yield return name;
                }

                continue;
            }

            i++;
        }
    }
}
