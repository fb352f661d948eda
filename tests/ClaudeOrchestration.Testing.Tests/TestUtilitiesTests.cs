using System.Diagnostics;
using ClaudeOrchestration.TestUtilities;

namespace ClaudeOrchestration.Testing.Tests;

/// <summary>The shared helpers other test projects rely on.</summary>
public sealed class TestUtilitiesTests
{
    [Fact]
    public void TempDirectory_Dispose_DeletesTheDirectoryWithItsContents()
    {
        var directory = new TempDirectory("testutilities-");
        var nested = directory.CreateSubdirectory("a/b");
        File.WriteAllText(Path.Combine(nested, "file.txt"), "x");

        directory.Dispose();
        directory.Dispose();

        Assert.StartsWith(Path.GetTempPath(), directory.FullPath, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.FullPath));
    }

    [Fact]
    public void Fixtures_Read_CopiedFixture_ReturnsItsText()
    {
        var text = Fixtures.Read("cli-prompt-request.json");

        Assert.Contains("\"claude-opus-5-5\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixtures_GetPath_MissingOrEscapingName_ThrowsWithAHint()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => Fixtures.GetPath("no-such-fixture.json"));
        Assert.Contains("CopyToOutputDirectory", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("name", () => Fixtures.GetPath("../ClaudeOrchestration.Testing.Tests.dll"));
        Assert.Throws<ArgumentException>("name", () => Fixtures.GetPath("/etc/hostname"));
    }

    [Fact]
    public void TestCli_Path_IsTheInstalledCli()
    {
        var path = TestCli.Path;

        Assert.True(Path.IsPathRooted(path));
        Assert.True(File.Exists(path), path);
        Assert.True(File.Exists(Path.Combine(TestCli.RepositoryRoot, "Library.sln")));
    }

    [Fact]
    public async Task ProcessProbe_StartedChild_IsFoundByMarkerAndNameUntilItExits()
    {
        var marker = Guid.NewGuid().ToString("N");
        var startInfo = new ProcessStartInfo("sleep", ["1000"]) { UseShellExecute = false };
        startInfo.Environment[OfflineCliFixture.MarkerVariable] = marker;
        using var process = Process.Start(startInfo)!;
        IReadOnlyList<int> byMarker, byName;
        try
        {
            byMarker = ProcessProbe.FindLiveProcessesWithEnvironment(OfflineCliFixture.MarkerVariable, marker);
            byName = ProcessProbe.FindLiveProcesses("sleep");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal([process.Id], byMarker);
        Assert.Contains(process.Id, byName);
        Assert.Empty(ProcessProbe.FindLiveProcessesWithEnvironment(OfflineCliFixture.MarkerVariable, marker));
        Assert.DoesNotContain(process.Id, ProcessProbe.FindLiveProcesses("sleep"));
    }

    [Fact]
    public void OfflineCliFixture_InheritedVariables_AreScrubbedSelectively()
    {
        Assert.True(OfflineCliFixture.IsInheritedClaudeVariable("ANTHROPIC_AUTH_TOKEN"));
        Assert.True(OfflineCliFixture.IsInheritedClaudeVariable("CLAUDECODE"));
        Assert.True(OfflineCliFixture.IsInheritedClaudeVariable("CLAUDE_CODE_ENTRYPOINT"));
        Assert.False(OfflineCliFixture.IsInheritedClaudeVariable("PATH"));
        Assert.False(OfflineCliFixture.IsInheritedClaudeVariable("DISABLE_TELEMETRY"));
    }

    [Fact]
    public async Task OfflineCliFixture_Started_GivesPrivateDirectoriesAndTheServerEnvironment()
    {
        string root;
        await using (var cli = await OfflineCliFixture.StartAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            root = Path.GetDirectoryName(cli.ConfigDirectory)!;
            Assert.True(Directory.Exists(cli.ConfigDirectory));
            Assert.True(Directory.Exists(cli.WorkingDirectory));
            Assert.Equal(cli.ConfigDirectory, cli.Environment["CLAUDE_CONFIG_DIR"]);
            Assert.Equal(cli.HomeDirectory, cli.Environment["HOME"]);
            Assert.Equal(cli.Marker, cli.Environment[OfflineCliFixture.MarkerVariable]);
            Assert.Equal(cli.Server.BaseUrl.GetLeftPart(UriPartial.Authority), cli.Environment["ANTHROPIC_BASE_URL"]);

            var startInfo = cli.CreateStartInfo(["-p", "a prompt with spaces"]);
            Assert.Equal(["-p", "a prompt with spaces"], startInfo.ArgumentList);
            Assert.DoesNotContain(startInfo.Environment.Keys, k => k.StartsWith("ANTHROPIC_AUTH", StringComparison.Ordinal));
            Assert.Equal(cli.WorkingDirectory, startInfo.WorkingDirectory);
        }

        Assert.False(Directory.Exists(root));
    }
}
