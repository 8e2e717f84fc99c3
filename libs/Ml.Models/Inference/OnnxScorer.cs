using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;

namespace Platform.Ml.Models;

/// <summary>
/// Scores tables with an ONNX model: one <see cref="InferenceSession"/>, safe for concurrent
/// <see cref="Score"/> calls (ONNX Runtime's Run is thread-safe and this class keeps no per-call state).
/// Models exported here carry their signature in metadata; for a foreign model (e.g. from scikit-learn)
/// the signature is inferred from the graph: one input per feature of shape [N,1] (string → categorical,
/// any number type → numeric); an output of string or integer type is the label (classifier), a float
/// output of shape [N,K] the probabilities; a single float output means regression. A foreign model's
/// class labels and target name are unknown (null and ""), and probability maps (ZipMap) are not read.
/// </summary>
public sealed class OnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _predictionOutput;
    private readonly string? _probabilityOutput;

    private OnnxScorer(InferenceSession session, ModelSignature signature, string predictionOutput, string? probabilityOutput)
    {
        _session = session;
        Signature = signature;
        _predictionOutput = predictionOutput;
        _probabilityOutput = probabilityOutput;
    }

    public ModelSignature Signature { get; }

    public static OnnxScorer Load(byte[] onnxModel)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        // One intra-op thread: the models are small (a linear model or a few hundred trees), where thread
        // hand-off costs more than it saves; measured on these 2-core hosts, two threads are slower, and the
        // service gets its parallelism from concurrent requests instead.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        var session = new InferenceSession(onnxModel, options);
        try
        {
            if (session.ModelMetadata.CustomMetadataMap.TryGetValue(SignatureJson.MetadataKey, out var json))
            {
                var signature = SignatureJson.Deserialize(json);
                return new OnnxScorer(session, signature, OnnxExporter.Prediction,
                    signature.Task == MlTask.Regression ? null : OnnxExporter.Probabilities);
            }

            return Foreign(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static OnnxScorer Foreign(InferenceSession session)
    {
        var inputs = session.InputMetadata.Select(pair =>
        {
            var (name, meta) = (pair.Key, pair.Value);
            if (!meta.IsTensor || meta.Dimensions.Length != 2 || meta.Dimensions[1] is not (1 or -1))
                throw new NotSupportedException($"Input '{name}' is not a [N,1] tensor; only one-feature-per-input models are supported.");
            var kind = meta.ElementType == typeof(string) ? ColumnKind.Categorical : ColumnKind.Numeric;
            return new FeatureSpec(name, kind);
        }).ToArray();

        var outputs = session.OutputMetadata.Where(o => o.Value.IsTensor).ToArray();
        var label = outputs.FirstOrDefault(o => o.Value.ElementType == typeof(string) || o.Value.ElementType == typeof(long));
        if (label.Key is not null)
        {
            var probability = outputs.FirstOrDefault(o => o.Value.ElementType == typeof(float));
            return new OnnxScorer(session, new ModelSignature(MlTask.Multiclass, "", inputs, null), label.Key, probability.Key);
        }

        var value = outputs.FirstOrDefault(o => o.Value.ElementType == typeof(float) || o.Value.ElementType == typeof(double));
        if (value.Key is null) throw new NotSupportedException("The model has no tensor output this scorer understands.");
        return new OnnxScorer(session, new ModelSignature(MlTask.Regression, "", inputs, null), value.Key, null);
    }

    /// <summary>Scores every row; <paramref name="rows"/> must hold each signature input by name (other columns are ignored).</summary>
    public ScoreResult Score(Table rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var missing = Signature.Inputs.Where(i => !rows.Contains(i.Name)).Select(i => i.Name).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"The rows lack the model's input(s): {string.Join(", ", missing)}.", nameof(rows));

        var n = rows.RowCount;
        var inputs = new List<NamedOnnxValue>(Signature.Inputs.Count);
        foreach (var spec in Signature.Inputs)
        {
            var column = rows[spec.Name];
            var meta = _session.InputMetadata[spec.Name];
            var shape = new[] { n, 1 };
            if (meta.ElementType == typeof(string))
            {
                // Missing categories travel as "": not a known category, so they encode as all zeros.
                var texts = column.Texts ?? throw new ArgumentException($"Input '{spec.Name}' is categorical; the column holds numbers.", nameof(rows));
                inputs.Add(NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<string>(texts.Select(t => t ?? "").ToArray(), shape)));
                continue;
            }

            var numbers = column.Numbers ?? throw new ArgumentException($"Input '{spec.Name}' is numeric; the column holds text.", nameof(rows));
            if (meta.ElementType == typeof(double))
                inputs.Add(NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<double>(numbers.ToArray(), shape)));
            else if (meta.ElementType == typeof(float))
                inputs.Add(NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<float>(numbers.Select(v => (float)v).ToArray(), shape)));
            else if (meta.ElementType == typeof(long))
                inputs.Add(NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<long>(numbers.Select(v => (long)v).ToArray(), shape)));
            else
                throw new NotSupportedException($"Input '{spec.Name}' has element type {meta.ElementType.Name}.");
        }

        var wanted = _probabilityOutput is null ? new[] { _predictionOutput } : [_predictionOutput, _probabilityOutput];
        using var results = _session.Run(inputs, wanted);
        var prediction = results.First(r => r.Name == _predictionOutput);

        if (Signature.Task == MlTask.Regression)
        {
            var values = prediction.Value switch
            {
                Tensor<float> floats => floats.ToArray().Select(v => (double)v).ToArray(),
                Tensor<double> doubles => doubles.ToArray(),
                _ => throw new NotSupportedException($"Output '{_predictionOutput}' is not a number tensor."),
            };
            return new ScoreResult(values, null, null);
        }

        var labels = prediction.Value switch
        {
            Tensor<string> texts => texts.ToArray(),
            Tensor<long> numbers => numbers.ToArray().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            _ => throw new NotSupportedException($"Output '{_predictionOutput}' is not a label tensor."),
        };

        float[][]? probabilities = null;
        if (_probabilityOutput is not null)
        {
            var tensor = results.First(r => r.Name == _probabilityOutput).AsTensor<float>();
            var k = tensor.Dimensions[1];
            var flat = tensor.ToArray();
            probabilities = new float[n][];
            for (var row = 0; row < n; row++) probabilities[row] = flat.AsSpan(row * k, k).ToArray();
        }

        return new ScoreResult(null, labels, probabilities);
    }

    public void Dispose() => _session.Dispose();
}
