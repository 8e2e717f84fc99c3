using System.Globalization;
using Platform.Ml.Data;

namespace Platform.Ml.Models.Training;

/// <summary>
/// Checks, before any fit, that the data can give a model at all, so that degenerate data ends in milliseconds
/// with a typed reason instead of trainers iterating on nothing.
/// </summary>
internal static class TrainingData
{
    public static void Check(Table data, TrainingOptions options, FeatureLayout layout, IReadOnlyList<string>? classes)
    {
        var rows = data.RowCount;
        var testRows = rows == 0 ? 0 : (int)Math.Ceiling(options.TestFraction * rows);
        var trainRows = rows - testRows;
        // Each fold must train on at least one row and validate on at least one; two per fold keeps both sides non-trivial.
        var needed = 2 * options.Folds;
        if (testRows < 1 || trainRows < needed)
            throw new TrainingException(TrainingFailure.TooFewRows, string.Create(CultureInfo.InvariantCulture,
                $"{rows} labelled rows leave {trainRows} for training; {options.Folds}-fold cross-validation needs at least {needed} " +
                $"(and the holdout at least one): upload more rows or use fewer folds."));

        var target = data[options.Target];
        if (classes is null)
        {
            var values = target.Numbers!;
            if (values.All(v => v == values[0]))
                throw new TrainingException(TrainingFailure.ConstantTarget,
                    $"The target '{options.Target}' has the same value in every row: there is nothing to learn.");
        }
        else
        {
            var counts = TargetLabels.Indexes(target, classes).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
            var rare = Enumerable.Range(0, classes.Count).Where(k => counts.GetValueOrDefault(k) < 2).Select(k => classes[k]).ToArray();
            if (testRows < classes.Count)
                throw new TrainingException(TrainingFailure.TooFewRows, string.Create(CultureInfo.InvariantCulture,
                    $"A holdout of {testRows} rows cannot hold each of the {classes.Count} classes: upload more rows."));
            if (rare.Length > 0)
                throw new TrainingException(TrainingFailure.SingleClass,
                    $"The class(es) {string.Join(", ", rare.Select(c => $"'{c}'"))} of '{options.Target}' have fewer than two rows: " +
                    "a stratified holdout needs each class on both sides.");
        }

        if (!layout.Numeric.Any(c => Varies(data[c.Name].Numbers!)) && !layout.Categorical.Any(c => Varies(data[c].Texts!)))
            throw new TrainingException(TrainingFailure.NoInformativeFeatures,
                "No feature varies: every feature column is constant or empty, so no model can do better than a constant.");
    }

    /// <summary>The classes of a classifier's target, with one class (or none) reported as <see cref="TrainingFailure.SingleClass"/>.</summary>
    public static string[]? Classes(Table data, TrainingOptions options)
    {
        if (options.Task == MlTask.Regression) return null;
        try
        {
            return TargetLabels.Classes(data[options.Target], options.Task);
        }
        catch (ArgumentException ex) when (data[options.Target].Length > 0 && CountDistinct(data[options.Target]) < 2)
        {
            throw new TrainingException(TrainingFailure.SingleClass, ex.Message);
        }
    }

    private static int CountDistinct(TableColumn column) =>
        Enumerable.Range(0, column.Length).Select(row => TargetLabels.Text(column, row)).OfType<string>().Distinct().Count();

    private static bool Varies(IReadOnlyList<double> values)
    {
        double? first = null;
        foreach (var value in values)
        {
            if (double.IsNaN(value)) continue;
            if (first is null) first = value;
            else if (value != first) return true;
        }

        // Missing values are imputed with the mean of the others: one value and gaps is still constant.
        return false;
    }

    private static bool Varies(IReadOnlyList<string?> values) => values.OfType<string>().Distinct(StringComparer.Ordinal).Skip(1).Any();
}
