using ClaudeOrchestration.Cli;
using ClaudeOrchestration.Core.Tests.Client;

namespace ClaudeOrchestration.Core.Tests.Cli;

public sealed class ClaudeCliDiscoveryTests
{
    [Fact]
    public void Find_ConfiguredPathMissing_ThrowsNamingItAndHowToInstall()
    {
        var ex = Assert.Throws<ClaudeCliNotFoundException>(() => ClaudeExecutableFinder.Find("/opt/none/claude"));

        Assert.Equal(["/opt/none/claude"], ex.SearchedPaths);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", ex.Message);
    }

    [Fact]
    public void Find_CmdShim_IsRefused()
    {
        var ex = Assert.Throws<ClaudeCliNotFoundException>(() => ClaudeExecutableFinder.Find("/tmp/claude.cmd"));

        Assert.Contains("cmd.exe", ex.Message);
    }

    [Fact]
    public void Find_ConfiguredPathPresent_ReturnsIt()
    {
        using var cli = FakeCli.Create("exit 0");

        Assert.Equal(cli.Path, ClaudeExecutableFinder.Find(cli.Path));
    }

    [Fact]
    public async Task ProbeVersionAsync_ReadsTheLeadingVersion()
    {
        using var cli = FakeCli.Create("exit 0");

        var version = await ClaudeCliDiscovery.ProbeVersionAsync(cli.Path, TestContext.Current.CancellationToken);

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
            var resolver = new ClaudeCliDiscovery(new Monitor(new ClaudeOrchestrationOptions { CliPath = path }));

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
