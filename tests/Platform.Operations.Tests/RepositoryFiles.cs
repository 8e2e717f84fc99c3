namespace Platform.Operations.Tests;

/// <summary>The repository's own files (found by walking up from the test binaries to Platform.sln).</summary>
public static class RepositoryFiles
{
    public static readonly string Root = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Files under <paramref name="folder"/> whose names end with one of <paramref name="extensions"/>.</summary>
    public static IReadOnlyList<string> Under(string folder, params string[] extensions) =>
        Directory.EnumerateFiles(PathOf(folder), "*", SearchOption.AllDirectories)
            .Where(f => extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
