namespace Platform.Tests;

/// <summary>Finds the public datasets in ../shared/data (beside the repository) from any test's working folder.</summary>
public static class SharedData
{
    public static string PathOf(string fileName)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PLATFORM_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.Combine(fromEnvironment, fileName);

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var inside = Path.Combine(dir.FullName, "shared", "data", fileName);
            if (File.Exists(inside)) return inside;
        }

        throw new FileNotFoundException($"Could not find shared/data/{fileName}; set PLATFORM_SHARED_DATA to the folder that holds it.");
    }
}
