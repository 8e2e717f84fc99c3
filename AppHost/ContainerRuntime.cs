using System.Diagnostics;

namespace Platform.AppHost;

/// <summary>
/// Whether a container runtime can run containers here: its client alone is not enough (a machine may carry the
/// docker CLI without a daemon), so the server has to answer <c>info</c>. The runtime is Aspire's own setting,
/// <c>ASPIRE_CONTAINER_RUNTIME</c> (docker unless told otherwise).
/// </summary>
public static class ContainerRuntime
{
    public static bool IsAvailable(string? runtime, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(string.IsNullOrWhiteSpace(runtime) ? "docker" : runtime)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("info");
        start.ArgumentList.Add("--format");
        start.ArgumentList.Add("{{.ServerVersion}}");
        try
        {
            using var process = Process.Start(start);
            if (process is null) return false;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0 && !string.IsNullOrWhiteSpace(output.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
