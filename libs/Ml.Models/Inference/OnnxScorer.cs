using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;

namespace Platform.Ml.Models;

/// <summary>
/// Scores tables with an ONNX model: one <see cref="InferenceSession"/>, safe for concurrent
/// <see cref="Score"/> calls (ONNX Runtime's Run is thread-safe and this class keeps no per-call state).
/// The serving fast path is <see cref="RentBatch"/>: pooled <see cref="ScoringBatch"/>es whose buffers and
/// <see cref="OrtValue"/>s are reused from request to request (each batch has one user at a time; only the
/// session is shared).
/// Models exported here carry their signature in metadata; for other models (e.g. converted from
/// scikit-learn) the signature is inferred from the graph, as <see cref="ForeignModel"/> describes.
/// </summary>
public sealed class OnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly InputBinding[] _inputs;
    private readonly OutputBinding _outputs;

    // Batches by capacity: 1, 2, 4, ... 1024 rows; larger requests get a batch of their own.
    private const int PooledBuckets = 11;
    private readonly ConcurrentBag<ScoringBatch>[] _pool = Enumerable.Range(0, PooledBuckets).Select(_ => new ConcurrentBag<ScoringBatch>()).ToArray();
    private readonly int _poolLimit = Math.Max(4, Environment.ProcessorCount * 4);

    // Batches per bucket, counted beside the bags: ConcurrentBag.Count takes every thread's lock, and asking it on
    // each return was 23% of the lock contention in the gateway's profile. Raised before an Add and lowered after a
    // TryTake, so it never counts fewer than the bag holds and the limit still holds.
    private readonly int[] _pooled = new int[PooledBuckets];
    private readonly bool _fast;
    private readonly string[] _inputNames;
    private readonly string[] _fastOutputNames;
    private readonly RunOptions _runOptions = new();
    private volatile bool _disposed;

    private OnnxScorer(InferenceSession session, ModelSignature signature, InputBinding[] inputs, OutputBinding outputs, bool exportedHere)
    {
        _session = session;
        Signature = signature;
        _inputs = inputs;
        _outputs = outputs;
        _inputNames = inputs.Select(i => i.Name).ToArray();
        // The fast path relies on this project's ONNX contract: one [N,1] float or string input per feature, in
        // signature order, and a float `prediction` [N,1] (regression) or `probabilities` [N,K] (classifiers).
        _fast = exportedHere
            && inputs.All(i => i.ElementType == typeof(float) || i.ElementType == typeof(string))
            && (signature.Task == MlTask.Regression || signature.ClassLabels is { Count: > 0 });
        _fastOutputNames = [signature.Task == MlTask.Regression ? OnnxExporter.Prediction : OnnxExporter.Probabilities];
    }

    /// <summary>Whether <see cref="RentBatch"/> scores through pre-allocated ONNX values (models exported here) or the general path.</summary>
    public bool HasFastPath => _fast;

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
                var inputs = signature.Inputs
                    .Select(i => new InputBinding(i.Name, session.InputMetadata[i.Name].ElementType, [i.Name])).ToArray();
                var outputs = new OutputBinding(OnnxExporter.Prediction,
                    signature.Task == MlTask.Regression ? null : OnnxExporter.Probabilities, ProbabilityMaps: false);
                return new OnnxScorer(session, signature, inputs, outputs, exportedHere: true);
            }

            var (foreignSignature, foreignInputs, foreignOutputs) = ForeignModel.Describe(session, onnxModel);
            return new OnnxScorer(session, foreignSignature, foreignInputs, foreignOutputs, exportedHere: false);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Scores every row; <paramref name="rows"/> must hold each signature input by name (other columns are ignored).</summary>
    public ScoreResult Score(Table rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var missing = Signature.Inputs.Where(i => !rows.Contains(i.Name)).Select(i => i.Name).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"The rows lack the model's input(s): {string.Join(", ", missing)}.", nameof(rows));

        var n = rows.RowCount;
        if (n == 0)
            return Signature.Task == MlTask.Regression ? new ScoreResult([], null, null) : new ScoreResult(null, [], _outputs.Probabilities is null ? null : []);

        var inputs = _inputs.Select(binding => ToInput(binding, rows)).ToArray();
        var wanted = _outputs.Probabilities is null ? new[] { _outputs.Prediction } : [_outputs.Prediction, _outputs.Probabilities];
        using var results = _session.Run(inputs, wanted);
        var prediction = results.First(r => r.Name == _outputs.Prediction);

        if (Signature.Task == MlTask.Regression)
        {
            var values = prediction.Value switch
            {
                Tensor<float> floats => floats.ToArray().Select(v => (double)v).ToArray(),
                Tensor<double> doubles => doubles.ToArray(),
                _ => throw new NotSupportedException($"Output '{_outputs.Prediction}' is not a number tensor."),
            };
            return new ScoreResult(values, null, null);
        }

        var labels = prediction.Value switch
        {
            Tensor<string> texts => texts.ToArray(),
            Tensor<long> numbers => numbers.ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray(),
            _ => throw new NotSupportedException($"Output '{_outputs.Prediction}' is not a label tensor."),
        };

        float[][]? probabilities = null;
        if (_outputs.Probabilities is not null)
        {
            var output = results.First(r => r.Name == _outputs.Probabilities);
            probabilities = _outputs.ProbabilityMaps ? FromMaps(output) : FromTensor(output.AsTensor<float>(), n);
        }

        return new ScoreResult(null, labels, probabilities);
    }

    /// <summary>A [N, width] tensor of the input's element type, filled row by row from the bound columns.</summary>
    private static NamedOnnxValue ToInput(InputBinding binding, Table rows)
    {
        var n = rows.RowCount;
        var width = binding.Columns.Count;
        var shape = new[] { n, width };
        var columns = binding.Columns.Select(c => rows[c]).ToArray();

        if (binding.ElementType == typeof(string))
        {
            // Missing categories travel as "": not a known category, so they encode as all zeros.
            var texts = new string[n * width];
            for (var j = 0; j < width; j++)
            {
                var column = columns[j].Texts ?? throw new ArgumentException($"Input '{columns[j].Name}' is categorical; the column holds numbers.", nameof(rows));
                for (var row = 0; row < n; row++) texts[row * width + j] = column[row] ?? "";
            }

            return NamedOnnxValue.CreateFromTensor(binding.Name, new DenseTensor<string>(texts, shape));
        }

        var numbers = new double[n * width];
        for (var j = 0; j < width; j++)
        {
            var column = columns[j].Numbers ?? throw new ArgumentException($"Input '{columns[j].Name}' is numeric; the column holds text.", nameof(rows));
            for (var row = 0; row < n; row++) numbers[row * width + j] = column[row];
        }

        if (binding.ElementType == typeof(float))
            return NamedOnnxValue.CreateFromTensor(binding.Name, new DenseTensor<float>(numbers.Select(v => (float)v).ToArray(), shape));
        if (binding.ElementType == typeof(double))
            return NamedOnnxValue.CreateFromTensor(binding.Name, new DenseTensor<double>(numbers, shape));
        if (binding.ElementType == typeof(long))
            return NamedOnnxValue.CreateFromTensor(binding.Name, new DenseTensor<long>(numbers.Select(v => (long)v).ToArray(), shape));
        throw new NotSupportedException($"Input '{binding.Name}' has element type {binding.ElementType.Name}.");
    }

    private static float[][] FromTensor(Tensor<float> tensor, int n)
    {
        var k = tensor.Dimensions[1];
        var flat = tensor.ToArray();
        var probabilities = new float[n][];
        for (var row = 0; row < n; row++) probabilities[row] = flat.AsSpan(row * k, k).ToArray();
        return probabilities;
    }

    /// <summary>ZipMap output: one label → probability map per row, put in ClassLabels order (or the map's own order).</summary>
    private float[][] FromMaps(NamedOnnxValue output) => output.AsEnumerable<NamedOnnxValue>().Select(row =>
    {
        var map = row.Value switch
        {
            IDictionary<string, float> byText => byText.ToDictionary(p => p.Key, p => p.Value),
            IDictionary<long, float> byNumber => byNumber.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value),
            _ => throw new NotSupportedException($"Output '{_outputs.Probabilities}' holds {row.Value?.GetType().Name}, not label → probability maps."),
        };
        return Signature.ClassLabels is { } classes ? classes.Select(c => map.GetValueOrDefault(c)).ToArray() : map.Values.ToArray();
    }).ToArray();

    /// <summary>A batch for <paramref name="rows"/> rows, from the pool when one is free. Dispose it to give it back.</summary>
    public ScoringBatch RentBatch(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bucket = Bucket(rows);
        ScoringBatch? pooled = null;
        if (bucket < PooledBuckets && _pool[bucket].TryTake(out pooled)) Interlocked.Decrement(ref _pooled[bucket]);
        var batch = pooled ?? new ScoringBatch(this, bucket < PooledBuckets ? 1 << bucket : rows, _fast);
        batch.Rows = rows;
        return batch;
    }

    internal void Return(ScoringBatch batch)
    {
        var bucket = Bucket(batch.Capacity);
        if (!_disposed && bucket < PooledBuckets && batch.Capacity == 1 << bucket)
        {
            if (Interlocked.Increment(ref _pooled[bucket]) > _poolLimit)
            {
                Interlocked.Decrement(ref _pooled[bucket]);
                batch.Release();
                return;
            }

            _pool[bucket].Add(batch);
            // Disposed while this batch was being returned: make sure it does not outlive the session.
            if (_disposed && _pool[bucket].TryTake(out var late)) late.Release();
            return;
        }

        batch.Release();
    }

    /// <summary>The fast path's run: inputs in signature order, the one output pre-allocated by the batch.</summary>
    internal void Run(OrtValue[] inputs, OrtValue[] outputs) => _session.Run(_runOptions, _inputNames, inputs, _fastOutputNames, outputs);

    /// <summary>A binding of a full batch's native values (inputs in signature order, the output) to this session.</summary>
    internal OrtIoBinding Bind(OrtValue[] inputs, OrtValue output)
    {
        var binding = _session.CreateIoBinding();
        for (var i = 0; i < inputs.Length; i++) binding.BindInput(_inputNames[i], inputs[i]);
        binding.BindOutput(_fastOutputNames[0], output);
        return binding;
    }

    /// <summary>The fast path's run of a full batch, through its binding.</summary>
    internal void Run(OrtIoBinding binding) => _session.RunWithBinding(_runOptions, binding);

    private static int Bucket(int rows) => rows <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(rows - 1));

    public void Dispose()
    {
        _disposed = true;
        foreach (var bag in _pool)
            while (bag.TryTake(out var batch)) batch.Release();
        _session.Dispose();
        _runOptions.Dispose();
    }
}
