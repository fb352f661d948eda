using ClaudeOrchestration.Cli;
using ClaudeOrchestration.Core.Tests.Client;

namespace ClaudeOrchestration.Core.Tests.Cli;

public sealed class ClaudeCliLocatorTests
{
    [Fact]
    public void Locate_ConfiguredPathMissing_ThrowsNamingItAndHowToInstall()
    {
        var ex = Assert.Throws<ClaudeCliNotFoundException>(() => ClaudeCliLocator.Locate("/opt/none/claude"));

        Assert.Equal(["/opt/none/claude"], ex.SearchedPaths);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", ex.Message);
    }

    [Fact]
    public void Locate_CmdShim_IsRefused()
    {
        var ex = Assert.Throws<ClaudeCliNotFoundException>(() => ClaudeCliLocator.Locate("/tmp/claude.cmd"));

        Assert.Contains("cmd.exe", ex.Message);
    }

    [Fact]
    public void Locate_ConfiguredPathPresent_ReturnsIt()
    {
        using var cli = FakeCli.Create("exit 0");

        Assert.Equal(cli.Path, ClaudeCliLocator.Locate(cli.Path));
    }

    [Fact]
    public async Task ProbeVersionAsync_ReadsTheLeadingVersion()
    {
        using var cli = FakeCli.Create("exit 0");

        var version = await ClaudeCliResolver.ProbeVersionAsync(cli.Path, TestContext.Current.CancellationToken);

        Assert.Equal(new Version(2, 1, 330), version);
    }

    [Fact]
    public async Task ResolveAsync_OldCli_ThrowsVersionException()
    {
        var directory = Directory.CreateTempSubdirectory().FullName;
        var path = Path.Combine(directory, "claude");
        File.WriteAllText(path, "#!/bin/bash\necho '1.0.44 (Claude Code)'\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        try
        {
            var resolver = new ClaudeCliResolver(new Monitor(new ClaudeOrchestrationOptions { CliPath = path }));

            var ex = await Assert.ThrowsAsync<ClaudeCliVersionException>(async () => await resolver.ResolveAsync(TestContext.Current.CancellationToken));

            Assert.Equal("1.0.44", ex.ReportedVersion);
            Assert.Contains("2.0.0 or newer", ex.Message);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    private sealed class Monitor(ClaudeOrchestrationOptions value) : Microsoft.Extensions.Options.IOptionsMonitor<ClaudeOrchestrationOptions>
    {
        public ClaudeOrchestrationOptions CurrentValue => value;
        public ClaudeOrchestrationOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ClaudeOrchestrationOptions, string?> listener) => null;
    }
}
