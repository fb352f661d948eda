using System.Text.Json.Nodes;
using ClaudeOrchestration.Transport;

namespace ClaudeOrchestration.Core.Tests.Transport;

public sealed class ClaudeArgumentsTests
{
    private static readonly ClaudeOrchestrationOptions Defaults = new();

    [Fact]
    public void Build_Defaults_StreamJsonBothWaysAndDefaultPermissionMode()
    {
        using var args = ClaudeArguments.Build(new ClaudeRunOptions(), Defaults);

        Assert.Equal(["--print", "--output-format=stream-json", "--input-format=stream-json", "--verbose", "--permission-mode=default"], args.Arguments);
    }

    [Fact]
    public void Build_DashLeadingAndShellCharacters_StayInsideOneEqualsArgument()
    {
        using var args = ClaudeArguments.Build(
            new ClaudeRunOptions { Model = "--dangerously-skip-permissions", AppendSystemPrompt = "-x; rm -rf / $(id) `id` | cat > /tmp/x" },
            Defaults);

        Assert.Contains("--model=--dangerously-skip-permissions", args.Arguments);
        Assert.Contains("--append-system-prompt=-x; rm -rf / $(id) `id` | cat > /tmp/x", args.Arguments);
        Assert.DoesNotContain("--dangerously-skip-permissions", args.Arguments);
    }

    [Fact]
    public void Build_AllFlags_MapsEachToItsCliForm()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            using var args = ClaudeArguments.Build(
                new ClaudeRunOptions
                {
                    Model = "sonnet",
                    FallbackModel = "haiku",
                    MaxTurns = 3,
                    MaxBudgetUsd = 0.25m,
                    SystemPrompt = "be brief",
                    Tools = ["Read", "Bash"],
                    AllowedTools = ["Bash(git *)", "Read"],
                    DisallowedTools = ["WebFetch"],
                    PermissionMode = ClaudePermissionMode.AcceptEdits,
                    McpConfig = JsonNode.Parse("""{"mcpServers":{}}""")!.AsObject(),
                    StrictMcpConfig = true,
                    Resume = "abc",
                    ForkSession = true,
                    NoSessionPersistence = true,
                    AdditionalDirectories = [dir],
                    Settings = """{"a":1}""",
                    SettingSources = ["user", "project"],
                    JsonSchema = JsonNode.Parse("""{"type":"object"}""")!.AsObject(),
                    IncludePartialMessages = true,
                    ExtraArgs = new Dictionary<string, string?> { ["effort"] = "high", ["--bare"] = null },
                },
                Defaults);

            var mcpFile = Assert.Single(args.Arguments, a => a.StartsWith("--mcp-config=", StringComparison.Ordinal))["--mcp-config=".Length..];
            var settingsFile = Assert.Single(args.Arguments, a => a.StartsWith("--settings=", StringComparison.Ordinal))["--settings=".Length..];
            Assert.Equal(
                [
                    "--print", "--output-format=stream-json", "--input-format=stream-json", "--verbose",
                    "--model=sonnet", "--fallback-model=haiku", "--max-turns=3", "--max-budget-usd=0.25", "--system-prompt=be brief",
                    "--tools=Read,Bash", "--allowedTools=Bash(git *),Read", "--disallowedTools=WebFetch", "--permission-mode=acceptEdits",
                    "--mcp-config=" + mcpFile, "--strict-mcp-config", "--resume=abc", "--fork-session", "--no-session-persistence",
                    "--add-dir=" + dir, "--settings=" + settingsFile, "--setting-sources=user,project", """--json-schema={"type":"object"}""",
                    "--include-partial-messages", "--effort=high", "--bare",
                ],
                args.Arguments);
            Assert.Equal("""{"mcpServers":{}}""", File.ReadAllText(mcpFile));
            Assert.Equal("""{"a":1}""", File.ReadAllText(settingsFile));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void Build_McpConfigAndJsonSettingsWithSecrets_StayOffArgvInOwnerOnlyFilesDeletedOnDispose()
    {
        var secret = "Bearer sk-test-" + Guid.NewGuid().ToString("N");
        string[] files;
        using (var args = ClaudeArguments.Build(
            new ClaudeRunOptions
            {
                McpConfig = new JsonObject { ["mcpServers"] = new JsonObject { ["api"] = new JsonObject { ["type"] = "http", ["url"] = "http://127.0.0.1:1/mcp", ["headers"] = new JsonObject { ["Authorization"] = secret } } } },
                Settings = $$$"""{"env":{"TOKEN":"{{{secret}}}"}}""",
            },
            Defaults))
        {
            Assert.DoesNotContain(args.Arguments, a => a.Contains(secret, StringComparison.Ordinal));
            files = [.. args.Arguments.Where(a => a.StartsWith("--mcp-config=", StringComparison.Ordinal) || a.StartsWith("--settings=", StringComparison.Ordinal)).Select(a => a[(a.IndexOf('=', StringComparison.Ordinal) + 1)..])];
            Assert.Equal(2, files.Length);
            Assert.All(files, f => Assert.Contains(secret, File.ReadAllText(f), StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows())
            {
                Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
            }
        }

        Assert.All(files, f => Assert.False(File.Exists(f)));
    }

    [Fact]
    public void Build_SettingsPath_IsPassedAsItIs()
    {
        using var args = ClaudeArguments.Build(new ClaudeRunOptions { Settings = "/etc/claude/settings.json" }, Defaults);

        Assert.Contains("--settings=/etc/claude/settings.json", args.Arguments);
    }

    [Fact]
    public void Build_EmptyToolList_DisablesBuiltInTools()
    {
        using var args = ClaudeArguments.Build(new ClaudeRunOptions { Tools = [] }, Defaults);

        Assert.Contains("--tools=", args.Arguments);
    }

    [Fact]
    public void Build_LongSystemPrompt_GoesThroughAFileDeletedOnDispose()
    {
        var prompt = new string('p', 200_000);
        string file;
        using (var args = ClaudeArguments.Build(new ClaudeRunOptions { SystemPrompt = prompt, AppendSystemPrompt = prompt }, Defaults))
        {
            var flag = Assert.Single(args.Arguments, a => a.StartsWith("--system-prompt-file=", StringComparison.Ordinal));
            Assert.Single(args.Arguments, a => a.StartsWith("--append-system-prompt-file=", StringComparison.Ordinal));
            Assert.DoesNotContain(args.Arguments, a => a.Length > ClaudeArguments.InlineLimit + 100);
            file = flag["--system-prompt-file=".Length..];
            Assert.Equal(prompt, File.ReadAllText(file));
        }

        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Build_HugeJsonSchema_FailsWithClearError()
    {
        var schema = new JsonObject { ["description"] = new string('d', 300_000) };

        var ex = Assert.Throws<ArgumentException>(() => ClaudeArguments.Build(new ClaudeRunOptions { JsonSchema = schema }, Defaults));

        Assert.Contains("--json-schema", ex.Message);
        Assert.Contains("limit", ex.Message);
    }

    [Theory]
    [InlineData("fallback")]
    [InlineData("fork")]
    [InlineData("session")]
    [InlineData("resume+continue")]
    [InlineData("turns")]
    public void Build_InvalidCombination_Throws(string which)
    {
        var options = which switch
        {
            "fallback" => new ClaudeRunOptions { Model = "opus", FallbackModel = "opus" },
            "fork" => new ClaudeRunOptions { ForkSession = true },
            "session" => new ClaudeRunOptions { SessionId = "not-a-uuid" },
            "resume+continue" => new ClaudeRunOptions { Resume = "x", ContinueConversation = true },
            _ => new ClaudeRunOptions { MaxTurns = 0 },
        };

        Assert.ThrowsAny<ArgumentException>(() => ClaudeArguments.Build(options, Defaults));
    }

    [Fact]
    public void Build_DefaultPermissionMode_IsNeverBypass()
    {
        Assert.Equal(ClaudePermissionMode.Default, new ClaudeOrchestrationOptions().DefaultPermissionMode);
    }
}
