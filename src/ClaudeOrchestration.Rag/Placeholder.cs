namespace ClaudeOrchestration.Rag; internal static class Placeholder { }
