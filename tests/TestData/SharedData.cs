using System.Runtime.CompilerServices;

namespace Platform.Tests;

/// <summary>
/// Finds the public datasets the repository carries in its <c>data/</c> folder: from PLATFORM_SHARED_DATA when set (another
/// copy), else by walking up from the test binaries and from this source file (binaries may be built outside the tree).
/// </summary>
public static class SharedData
{
    public static string PathOf(string fileName) => PathOf(fileName, ThisFile());

    private static string PathOf(string fileName, string sourceFile)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PLATFORM_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.Combine(fromEnvironment, fileName);

        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data", fileName);
                if (File.Exists(candidate)) return candidate;
            }
        }

        throw new FileNotFoundException($"Could not find data/{fileName} in the repository; set PLATFORM_SHARED_DATA to the folder that holds it.");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
