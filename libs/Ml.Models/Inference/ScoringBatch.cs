using Microsoft.ML.OnnxRuntime;
using Platform.Ml.Data;

namespace Platform.Ml.Models;

/// <summary>
/// Reusable buffers for scoring up to <see cref="Capacity"/> rows with one <see cref="OnnxScorer"/>: rent one with
/// <see cref="OnnxScorer.RentBatch"/>, set every feature of every row, <see cref="Score"/>, read the results,
/// dispose (which returns it to the scorer's pool). One caller at a time; the session itself is shared.
/// For models exported here the inputs and outputs are <see cref="OrtValue"/>s over pinned arrays created once per
/// batch, so a single-row prediction allocates nothing on the scoring side: measured about twice as fast as
/// building <c>NamedOnnxValue</c>/<c>DenseTensor</c> per call. Other (foreign) models go through
/// <see cref="OnnxScorer.Score(Table)"/>, which is general but allocates.
/// </summary>
public sealed class ScoringBatch : IDisposable
{
    private readonly OnnxScorer _scorer;
    private readonly double[]?[] _numbers;
    private readonly string?[]?[] _texts;

    // Fast path only (models exported here): float inputs, one output.
    private readonly float[]?[]? _floatInputs;
    private readonly float[]? _output;
    private readonly int _outputWidth;
    private readonly OrtValue?[]? _fullInputs;
    private OrtValue? _fullOutput;
    private readonly OrtValue[]? _runInputs;
    private readonly OrtValue[]? _runOutputs;
    private readonly bool _numericOnly;
    private OrtIoBinding? _binding;
    private ScoreResult? _fallback;

    internal ScoringBatch(OnnxScorer scorer, int capacity, bool fast)
    {
        _scorer = scorer;
        Capacity = capacity;
        var inputs = scorer.Signature.Inputs;
        _numbers = new double[]?[inputs.Count];
        _texts = new string?[]?[inputs.Count];
        for (var f = 0; f < inputs.Count; f++)
        {
            if (inputs[f].Kind == ColumnKind.Categorical) _texts[f] = new string?[capacity];
            else _numbers[f] = new double[capacity];
        }

        if (!fast) return;
        _floatInputs = new float[]?[inputs.Count];
        for (var f = 0; f < inputs.Count; f++)
            if (inputs[f].Kind != ColumnKind.Categorical) _floatInputs[f] = new float[capacity];
        _outputWidth = scorer.Signature.Task == MlTask.Regression ? 1 : scorer.Signature.ClassLabels!.Count;
        _output = new float[capacity * _outputWidth];
        _fullInputs = new OrtValue?[inputs.Count];
        _runInputs = new OrtValue[inputs.Count];
        _runOutputs = new OrtValue[1];
        _numericOnly = inputs.All(i => i.Kind != ColumnKind.Categorical);
    }

    public int Capacity { get; }

    /// <summary>Rows in use (set by <see cref="OnnxScorer.RentBatch"/>).</summary>
    public int Rows { get; internal set; }

    public ModelSignature Signature => _scorer.Signature;

    /// <summary>Feature <paramref name="feature"/> (index into <see cref="ModelSignature.Inputs"/>) of a numeric or boolean input; NaN = missing.</summary>
    public void SetNumber(int feature, int row, double value) => _numbers[feature]![row] = value;

    /// <summary>A categorical input; null = missing (encoded as no known category).</summary>
    public void SetText(int feature, int row, string? value) => _texts[feature]![row] = value;

    public double Number(int feature, int row) => _numbers[feature]![row];

    public string? Text(int feature, int row) => _texts[feature]![row];

    public void Score()
    {
        if (_floatInputs is null)
        {
            _fallback = _scorer.Score(ToTable());
            return;
        }

        var rows = Rows;
        var full = rows == Capacity;
        if (full && _numericOnly)
        {
            RunFull();
            return;
        }

        var temporary = full ? null : new List<OrtValue>(_runInputs!.Length + 1);
        try
        {
            var inputs = Signature.Inputs;
            for (var f = 0; f < inputs.Count; f++)
            {
                if (_floatInputs[f] is { } floats)
                {
                    CopyNumbers(f, rows);
                    _runInputs![f] = full
                        ? FullInput(f)
                        : Track(temporary!, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, floats.AsMemory(0, rows), [rows, 1]));
                }
                else
                {
                    // Strings cannot live in managed memory for ONNX Runtime: a native tensor per call.
                    var texts = _texts[f]!;
                    var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [rows, 1]);
                    (temporary ??= []).Add(tensor);
                    for (var row = 0; row < rows; row++) tensor.StringTensorSetElementAt((texts[row] ?? "").AsSpan(), row);
                    _runInputs![f] = tensor;
                }
            }

            _runOutputs![0] = full
                ? FullOutput()
                : Track(temporary!, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, rows * _outputWidth), [rows, _outputWidth]));
            _scorer.Run(_runInputs!, _runOutputs);
        }
        finally
        {
            if (temporary is not null)
                foreach (var value in temporary) value.Dispose();
        }
    }

    /// <summary>
    /// A full batch of numeric inputs: its values are the same native views every time, so they are bound to the
    /// session once and each call only converts the numbers (no names marshalled, nothing allocated per call).
    /// </summary>
    private void RunFull()
    {
        for (var f = 0; f < _floatInputs!.Length; f++) CopyNumbers(f, Capacity);
        _binding ??= _scorer.Bind(Enumerable.Range(0, _floatInputs.Length).Select(FullInput).ToArray(), FullOutput());
        _scorer.Run(_binding);
    }

    /// <summary>Numeric input <paramref name="feature"/>'s first <paramref name="rows"/> values, as the float tensor ONNX Runtime reads.</summary>
    private void CopyNumbers(int feature, int rows)
    {
        var (floats, numbers) = (_floatInputs![feature]!, _numbers[feature]!);
        for (var row = 0; row < rows; row++) floats[row] = (float)numbers[row];
    }

    /// <summary>A full batch's view of numeric input <paramref name="feature"/>, created once.</summary>
    private OrtValue FullInput(int feature) =>
        _fullInputs![feature] ??= OrtValue.CreateTensorValueFromMemory(_floatInputs![feature]!, [Capacity, 1]);

    /// <summary>A full batch's view of its output, created once.</summary>
    private OrtValue FullOutput() => _fullOutput ??= OrtValue.CreateTensorValueFromMemory(_output!, [Capacity, _outputWidth]);

    /// <summary>The regression value of a row.</summary>
    public double Value(int row) => _fallback is { } result ? result.Values![row] : _output![row];

    /// <summary>The class probabilities of a row, in <see cref="ModelSignature.ClassLabels"/> order (empty if the model gives none).</summary>
    public ReadOnlySpan<float> Probabilities(int row)
    {
        if (_fallback is { } result) return result.Probabilities is { } p ? p[row] : default;
        return _output.AsSpan(row * _outputWidth, _outputWidth);
    }

    /// <summary>The predicted class: the most probable one, first on ties (as the exported graph's ArgMax).</summary>
    public string Label(int row)
    {
        if (_fallback is { } result) return result.Labels![row];
        var probabilities = Probabilities(row);
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
            if (probabilities[c] > probabilities[best]) best = c;
        return Signature.ClassLabels![best];
    }

    /// <summary>The rows as a table (exact-length copies), for the general scoring path and for tests.</summary>
    public Table ToTable()
    {
        var inputs = Signature.Inputs;
        var columns = new TableColumn[inputs.Count];
        for (var f = 0; f < inputs.Count; f++)
        {
            columns[f] = inputs[f].Kind switch
            {
                ColumnKind.Categorical => TableColumn.Categorical(inputs[f].Name, _texts[f]!.AsSpan(0, Rows).ToArray()),
                ColumnKind.Boolean => TableColumn.Boolean(inputs[f].Name, _numbers[f]!.AsSpan(0, Rows).ToArray()),
                _ => TableColumn.Numeric(inputs[f].Name, _numbers[f]!.AsSpan(0, Rows).ToArray()),
            };
        }

        return new Table(columns);
    }

    /// <summary>Back to the scorer's pool.</summary>
    public void Dispose()
    {
        _fallback = null;
        _scorer.Return(this);
    }

    /// <summary>Frees the native values for good (the scorer is being disposed, or its pool is full).</summary>
    internal void Release()
    {
        // The binding first: it refers to the values below.
        _binding?.Dispose();
        if (_fullInputs is not null)
            foreach (var value in _fullInputs) value?.Dispose();
        _fullOutput?.Dispose();
    }

    private static OrtValue Track(List<OrtValue> temporary, OrtValue value)
    {
        temporary.Add(value);
        return value;
    }
}
