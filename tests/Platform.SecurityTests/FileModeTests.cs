namespace Platform.SecurityTests;

/// <summary>The file-creation mask the services set (Unix only, as the platform's deployments are).</summary>
[Collection(SecuredPlatformCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests(SecuredPlatform platform)
{
    [Fact]
    public void Everything_the_services_wrote_is_readable_by_their_user_only()
    {
        var root = platform.Process.DataPath;
        var folders = Directory.GetDirectories(root, "*", SearchOption.AllDirectories);
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(folders);
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal)); // SQLite databases
        Assert.Contains(files, f => f.EndsWith("model.onnx", StringComparison.Ordinal)); // artifacts
        var open = folders.Where(d => (File.GetUnixFileMode(d) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)) != 0)
            .Concat(files.Where(f => (File.GetUnixFileMode(f) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0))
            .Select(p => $"{Path.GetRelativePath(root, p)} {File.GetUnixFileMode(p)}")
            .ToList();
        Assert.True(open.Count == 0, "Readable beyond the owner: " + string.Join(", ", open));
    }
}
