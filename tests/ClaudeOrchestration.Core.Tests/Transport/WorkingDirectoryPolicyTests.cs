using ClaudeOrchestration.Client;
using ClaudeOrchestration.Core.Tests.Client;
using ClaudeOrchestration.Sessions;
using ClaudeOrchestration.TestUtilities;
using ClaudeOrchestration.Transport;

namespace ClaudeOrchestration.Core.Tests.Transport;

/// <summary>One policy for every directory that reaches the CLI, compared after symbolic links are resolved.</summary>
public sealed class WorkingDirectoryPolicyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public WorkingDirectoryPolicyTests()
    {
        Root = Directory.CreateDirectory(Path.Combine(_temp.FullPath, "root")).FullName;
        Inside = Directory.CreateDirectory(Path.Combine(Root, "project")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(_temp.FullPath, "elsewhere")).FullName;
        Escape = Path.Combine(Root, "escape");
        Directory.CreateSymbolicLink(Escape, Outside);
    }

    private string Root { get; }

    private string Inside { get; }

    private string Outside { get; }

    /// <summary>A link inside the root that points outside it.</summary>
    private string Escape { get; }

    [Fact]
    public void Apply_WorkingDirectoryThroughSymlinkEscapingTheRoot_IsRefusedNamingPathAndRoots()
    {
        var ex = Assert.Throws<ClaudeWorkingDirectoryException>(() => Policy(Root).Apply(new ClaudeRunOptions { WorkingDirectory = Escape }, new()));

        Assert.Equal(Outside, ex.Path);
        Assert.Equal([Root], ex.AllowedRoots);
        Assert.Contains(Escape, ex.Message);
        Assert.Contains(Root, ex.Message);
    }

    [Fact]
    public void Apply_LinkedAncestorAndMissingTail_ResolvesTheLinkFirst()
    {
        // Nothing below the link exists yet: the part that exists is resolved, the rest kept.
        Assert.Throws<ClaudeWorkingDirectoryException>(() =>
            Policy(Root).Apply(new ClaudeRunOptions { WorkingDirectory = Inside, AdditionalDirectories = [Path.Combine(Escape, "new", "dir")] }, new()));
    }

    [Fact]
    public void Apply_AddDirOutsideTheRoots_IsRefused()
    {
        var ex = Assert.Throws<ClaudeWorkingDirectoryException>(() =>
            Policy(Root).Apply(new ClaudeRunOptions { WorkingDirectory = Inside, AdditionalDirectories = [Outside] }, new()));

        Assert.Contains("--add-dir", ex.Message);
    }

    [Fact]
    public void Apply_AddDirSmuggledThroughExtraArgs_IsChecked()
    {
        var extra = new Dictionary<string, string?> { ["--add-dir"] = Outside };

        Assert.Throws<ClaudeWorkingDirectoryException>(() => Policy(Root).Apply(new ClaudeRunOptions { WorkingDirectory = Inside, ExtraArgs = extra }, new()));
        Assert.Throws<ClaudeWorkingDirectoryException>(() =>
            Policy(Root).Apply(new ClaudeRunOptions { WorkingDirectory = Inside, ExtraArgs = new Dictionary<string, string?> { ["plugin-dir"] = Escape } }, new()));
    }

    [Fact]
    public void Apply_EverythingInsideTheRoot_ReturnsTheRealWorkingDirectory()
    {
        var linkToInside = Path.Combine(_temp.FullPath, "shortcut");
        Directory.CreateSymbolicLink(linkToInside, Inside);

        var directory = Policy(Root).Apply(
            new ClaudeRunOptions
            {
                WorkingDirectory = linkToInside,
                AdditionalDirectories = [Root, Path.Combine(Inside, "not-yet")],
                ExtraArgs = new Dictionary<string, string?> { ["add-dir"] = Inside, ["model-hint"] = Outside },
            },
            new());

        Assert.Equal(Inside, directory);
    }

    [Fact]
    public void Apply_NoRoots_AllowsAnyDirectory()
    {
        var directory = Policy().Apply(new ClaudeRunOptions { WorkingDirectory = Escape, AdditionalDirectories = [Outside] }, new());

        Assert.Equal(Outside, directory);
    }

    [Fact]
    public void Apply_MissingWorkingDirectory_ThrowsDirectoryNotFound()
    {
        Assert.Throws<DirectoryNotFoundException>(() => Policy(Root).Apply(new ClaudeRunOptions { WorkingDirectory = Path.Combine(Root, "missing") }, new()));
    }

    [Fact]
    public async Task ClaudeClient_WorkingDirectoryEscapingTheRoots_IsRefusedBeforeAnyProcessStarts()
    {
        using var cli = FakeCli.Create($"touch \"$(dirname \"$0\")/started\"\necho '{FakeCli.ResultLine}'");
        var options = new ClaudeOrchestrationOptions { CliPath = cli.Path, DefaultWorkingDirectory = Inside };
        options.AllowedWorkingDirectoryRoots.Add(Root);
        var client = ClaudeClient.Create(options);

        await Assert.ThrowsAsync<ClaudeWorkingDirectoryException>(() =>
            client.RunAsync("hi", new ClaudeRunOptions { WorkingDirectory = Escape }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ClaudeWorkingDirectoryException>(() =>
            client.RunAsync("hi", new ClaudeRunOptions { AdditionalDirectories = [Outside] }, TestContext.Current.CancellationToken));

        Assert.False(File.Exists(cli.PathOf("started")));
        var ok = await client.RunAsync("hi", new ClaudeRunOptions { AdditionalDirectories = [Root] }, TestContext.Current.CancellationToken);
        Assert.Equal("fake ok", ok.Text);
    }

    [Fact]
    public async Task ClaudeSessionFactory_WorkingDirectoryEscapingTheRoots_IsRefused()
    {
        var options = new ClaudeOrchestrationOptions { CliPath = "/nonexistent/claude", DefaultWorkingDirectory = Inside };
        options.AllowedWorkingDirectoryRoots.Add(Root);
        var factory = ClaudeSessionFactory.Create(options);

        await Assert.ThrowsAsync<ClaudeWorkingDirectoryException>(() =>
            factory.StartAsync(new ClaudeSessionOptions { RunOptions = new ClaudeRunOptions { WorkingDirectory = Escape } }, TestContext.Current.CancellationToken));
    }

    public void Dispose() => _temp.Dispose();

    private static WorkingDirectoryPolicy Policy(params string[] roots)
    {
        var options = new ClaudeOrchestrationOptions();
        foreach (var root in roots)
        {
            options.AllowedWorkingDirectoryRoots.Add(root);
        }

        return WorkingDirectoryPolicy.From(options);
    }
}
