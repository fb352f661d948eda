namespace ClaudeOrchestration.Testing; internal static class Placeholder { }
