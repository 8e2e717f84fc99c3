using Platform.Ml.Data;

namespace Platform.Ml.Models.Training;

/// <summary>
/// Which table columns feed the model and how: numeric and boolean columns (booleans as 0/1) go through
/// mean imputation and normalisation as one vector; each categorical column is one-hot encoded on its own.
/// The ONNX graph has one input per feature, in <see cref="Numeric"/> then <see cref="Categorical"/> order,
/// and the feature vector is laid out the same way in ML.NET and ONNX.
/// </summary>
internal sealed class FeatureLayout
{
    // Names of the columns the pipeline adds; a leading "__" keeps them apart from user columns.
    public const string Label = "__label";
    public const string NumericRaw = "__numeric_raw";
    public const string NumericImputed = "__numeric_imputed";
    public const string NumericNormalized = "__numeric";
    public const string Features = "__features";
    public static string OneHot(int index) => $"__onehot_{index}";

    private FeatureLayout(IReadOnlyList<(string Name, ColumnKind Kind)> numeric, IReadOnlyList<string> categorical)
    {
        Numeric = numeric;
        Categorical = categorical;
    }

    public IReadOnlyList<(string Name, ColumnKind Kind)> Numeric { get; }
    public IReadOnlyList<string> Categorical { get; }

    public static FeatureLayout From(Table data, string target)
    {
        var numeric = new List<(string, ColumnKind)>();
        var categorical = new List<string>();
        foreach (var column in data.Columns)
        {
            if (column.Name == target) continue;
            if (column.Name.StartsWith("__", StringComparison.Ordinal))
                throw new ArgumentException($"Column names starting with '__' are reserved: '{column.Name}'.");
            // A categorical column with no value at all has no categories to encode (and ONNX's OneHotEncoder needs one).
            if (column.Kind == ColumnKind.Categorical && column.Texts!.All(t => t is null)) continue;
            if (column.Kind == ColumnKind.Categorical) categorical.Add(column.Name);
            else numeric.Add((column.Name, column.Kind));
        }

        if (numeric.Count + categorical.Count == 0) throw new ArgumentException("The table has no feature columns.");
        return new FeatureLayout(numeric, categorical);
    }
}
