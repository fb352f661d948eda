namespace ClaudeOrchestration.Testing;

/// <summary>One content block of a scripted assistant message.</summary>
internal abstract record ReplyBlock;

/// <summary>A <c>text</c> block.</summary>
internal sealed record TextReplyBlock(string Text) : ReplyBlock;

/// <summary>A <c>tool_use</c> block. The input is kept as JSON text so a reply stays immutable after it was built.</summary>
internal sealed record ToolUseReplyBlock(string Name, string InputJson) : ReplyBlock;

/// <summary>A <c>thinking</c> block with its signature.</summary>
internal sealed record ThinkingReplyBlock(string Thinking, string Signature) : ReplyBlock;
