using ClaudeOrchestration.Client;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Core.Tests.Delegation;

internal static class FakeResults
{
    public static ClaudeRunResult Result(bool isError, string text)
    {
        var json = isError
            ? """{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":2,"errors":["Reached maximum number of turns (1)"],"terminal_reason":"max_turns","session_id":"s","total_cost_usd":0.01}"""
            : $$"""{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"{{text}}","terminal_reason":"completed","session_id":"s","total_cost_usd":0.01}""";
        var message = (ResultMessage)ClaudeMessageParser.Parse(System.Text.Encoding.UTF8.GetBytes(json))!;
        return ClaudeRunResult.From(message, [message]);
    }
}
