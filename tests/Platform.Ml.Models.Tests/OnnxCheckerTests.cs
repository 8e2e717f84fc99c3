using System.Diagnostics;

namespace Platform.Ml.Models.Tests;

/// <summary>
/// Every exported model family passes the reference ONNX checker (Debian's python3-onnx 1.12, which knows
/// opset 17 and ai.onnx.ml 3 at most). The checker is a hard requirement of this test, never a skip:
/// the project's test script installs python3-onnx.
/// </summary>
public sealed class OnnxCheckerTests
{
    private const string Python = "/usr/bin/python3";

    [Theory]
    [MemberData(nameof(OnnxParityTests.Cases), MemberType = typeof(OnnxParityTests))]
    public void Exported_model_passes_the_onnx_checker(string dataset, MlTask task, string trainer)
    {
        var (_, onnx, _) = ModelFactory.FitAndExport(dataset, task, trainer);
        var file = Path.Combine(Path.GetTempPath(), $"platform-check-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(file, onnx);
        try
        {
            var (exitCode, output) = Run("-c", "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]))", file);
            Assert.True(exitCode == 0, $"onnx.checker rejected the {task} {trainer} model:\n{output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (int ExitCode, string Output) Run(params string[] arguments)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: install it and the checker with `apt-get install -y --no-install-recommends python3-onnx`.");
        var (probe, probeOutput) = Start(["-c", "import onnx"]);
        if (probe != 0)
            Assert.Fail($"python3-onnx is not installed (`import onnx` failed): run `apt-get install -y --no-install-recommends python3-onnx`.\n{probeOutput}");
        return Start(arguments);
    }

    private static (int ExitCode, string Output) Start(string[] arguments)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
