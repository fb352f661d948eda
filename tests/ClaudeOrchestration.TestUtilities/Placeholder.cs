namespace ClaudeOrchestration.TestUtilities; internal static class Placeholder { }
