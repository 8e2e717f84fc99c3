using System.Diagnostics;

namespace Platform.Operations.Tests;

/// <summary>Runs a command-line tool to the end and returns its exit code and output.</summary>
public static class Tool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        Assert.True(File.Exists(file), $"{file} is missing: bash deploy/local/test.sh installs it from Debian.");
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryFiles.Root };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
