using Microsoft.ML.OnnxRuntime;
using Platform.Ml.Models;

namespace Platform.Cli.Infrastructure;

/// <summary>The files a training run writes into its output folder, and how <c>--model</c> finds them.</summary>
internal static class ModelFiles
{
    public const string Onnx = "model.onnx";
    public const string MlNet = "model.zip";
    public const string Run = "run.json";

    /// <summary>A folder (holding model.onnx) or an .onnx file.</summary>
    public static string ResolveOnnx(string path)
    {
        if (Directory.Exists(path))
        {
            var inside = Path.Combine(path, Onnx);
            if (!File.Exists(inside)) throw new InputException($"--model: folder '{path}' has no {Onnx} (train one with 'platform train --out {path}').");
            return inside;
        }

        if (!File.Exists(path)) throw new InputException($"--model: '{path}' is neither a model folder nor an .onnx file.");
        return path;
    }

    public static OnnxScorer Load(string path)
    {
        var file = ResolveOnnx(path);
        try
        {
            return OnnxScorer.Load(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is OnnxRuntimeException or NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new InputException($"--model: '{file}' is not an ONNX model this tool can score: {e.Message}");
        }
    }
}
