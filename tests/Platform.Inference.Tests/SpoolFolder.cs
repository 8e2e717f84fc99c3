namespace Platform.Inference.Tests;

/// <summary>A prediction-log spool folder of one test, deleted after it.</summary>
public sealed class SpoolFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "platform-spool-test-" + Guid.NewGuid().ToString("N"));

    public string[] Segments() => Directory.Exists(Path) ? Directory.GetFiles(Path, "*.seg").Order(StringComparer.Ordinal).ToArray() : [];

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
