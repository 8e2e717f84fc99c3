using Microsoft.ML;
using Microsoft.ML.Data;
using Platform.Ml.Data;

namespace Platform.Ml.Models.Training;

/// <summary>
/// A <see cref="Table"/> seen as an ML.NET <see cref="IDataView"/>: one Single column per numeric/boolean
/// feature, one Text column per categorical feature (missing → empty text, which one-hot encodes as all
/// zeros, as the ONNX graph does), and optionally the label. Written by hand because ML.NET's
/// LoadFromEnumerable needs a compile-time row type and our columns are only known at run time.
/// </summary>
internal sealed class TableDataView : IDataView
{
    // One getter factory per column, in schema order; each cursor makes its own getters bound to its position.
    private readonly List<Func<Cursor, Delegate>> _makers;

    /// <param name="label">Regression: float values; binary: bool; multiclass: float class index. Null when scoring.</param>
    public TableDataView(Table table, FeatureLayout layout, Array? label)
    {
        var builder = new DataViewSchema.Builder();
        var makers = new List<Func<Cursor, Delegate>>();
        foreach (var (name, _) in layout.Numeric)
        {
            var values = table[name].Numbers!;
            builder.AddColumn(name, NumberDataViewType.Single);
            makers.Add(c => (ValueGetter<float>)((ref float v) => v = (float)values[c.Row]));
        }

        foreach (var name in layout.Categorical)
        {
            var texts = table[name].Texts!;
            builder.AddColumn(name, TextDataViewType.Instance);
            makers.Add(c => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = (texts[c.Row] ?? "").AsMemory()));
        }

        switch (label)
        {
            case float[] floats:
                builder.AddColumn(FeatureLayout.Label, NumberDataViewType.Single);
                makers.Add(c => (ValueGetter<float>)((ref float v) => v = floats[c.Row]));
                break;
            case bool[] bools:
                builder.AddColumn(FeatureLayout.Label, BooleanDataViewType.Instance);
                makers.Add(c => (ValueGetter<bool>)((ref bool v) => v = bools[c.Row]));
                break;
            case null:
                break;
            default:
                throw new ArgumentException("Labels must be float[] or bool[].", nameof(label));
        }

        Schema = builder.ToSchema();
        RowCount = table.RowCount;
        _makers = makers;
    }

    public int RowCount { get; }
    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly TableDataView _view;
        private readonly Delegate[] _getters;
        private long _position = -1;

        public Cursor(TableDataView view)
        {
            _view = view;
            _getters = view._makers.Select(make => make(this)).ToArray();
        }

        public int Row => (int)_position;
        public override long Position => _position;
        public override long Batch => 0;
        public override DataViewSchema Schema => _view.Schema;

        public override bool MoveNext()
        {
            if (_position + 1 >= _view.RowCount) { _position = _view.RowCount; return false; }
            _position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            _getters[column.Index] as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is not of type {typeof(TValue).Name}.");

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;
    }
}
