using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Platform.Ml.Tests.Statistics;

/// <summary>
/// The SciPy/NumPy reference values in <c>Statistics/reference/reference.json</c> (written by generate_reference.py next to it),
/// read from the source tree: the file is found by walking up from the test binaries to the folder holding Platform.sln,
/// or, when the binaries live outside the repository (<c>--artifacts-path</c>), up from this source file's compile-time path.
/// </summary>
internal static class ReferenceData
{
    private static readonly Lazy<JsonDocument> Document = new(Load);

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> Cases(string section) => Root.GetProperty(section).EnumerateArray();

    public static JsonElement Case(string section, string name) =>
        Cases(section).Single(c => c.GetProperty("name").GetString() == name);

    public static double[] Doubles(this JsonElement element) =>
        element.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static string?[] Strings(this JsonElement element) =>
        element.EnumerateArray().Select(e => e.GetString()).ToArray();

    /// <summary>Relative agreement to <paramref name="relative"/>; values below 1e-300 only need to be below 1e-290 as well.</summary>
    public static void AssertClose(double expected, double actual, double relative = 1e-9, string? what = null)
    {
        if (Math.Abs(expected) < 1e-300)
        {
            Assert.True(Math.Abs(actual) < 1e-290, $"{what}: expected ~{expected:R}, got {actual:R}");
            return;
        }

        var error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= relative, $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2})");
    }

    private static JsonDocument Load()
    {
        var root = RepositoryRootAbove(AppContext.BaseDirectory) ?? RepositoryRootAbove(Path.GetDirectoryName(ThisFile())!)
                   ?? throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
        var path = Path.Combine(root, "tests", "Platform.Ml.Tests", "Statistics", "reference", "reference.json");
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    private static string? RepositoryRootAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln"))) return directory.FullName;
        }

        return null;
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
