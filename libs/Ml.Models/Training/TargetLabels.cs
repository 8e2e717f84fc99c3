using System.Globalization;
using Platform.Ml.Data;

namespace Platform.Ml.Models.Training;

/// <summary>
/// How target values become class labels. One rule for training, evaluation and scoring:
/// numeric values are written with the invariant culture's shortest round-trip form (1.0 → "1"),
/// boolean values as "false"/"true", text as it is. Classes are ordered numerically for numeric targets,
/// "false" before "true" for boolean ones, ordinally for text; for binary tasks the second class is the
/// positive one, so 0/1, false/true and "no"/"yes" all make 1, true and "yes" positive.
/// </summary>
internal static class TargetLabels
{
    public static string? Text(TableColumn column, int row)
    {
        if (column.Numbers is { } numbers)
        {
            var value = numbers[row];
            if (double.IsNaN(value)) return null;
            if (column.Kind == ColumnKind.Boolean) return value != 0 ? "true" : "false";
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        return column.Texts![row];
    }

    /// <summary>The distinct classes of a classification target, in the documented stable order.</summary>
    public static string[] Classes(TableColumn column, MlTask task)
    {
        string[] classes;
        if (column.Numbers is { } numbers)
        {
            classes = numbers.Where(v => !double.IsNaN(v)).Distinct().Order()
                .Select(v => column.Kind == ColumnKind.Boolean ? (v != 0 ? "true" : "false") : v.ToString("R", CultureInfo.InvariantCulture))
                .Distinct().ToArray();
        }
        else
        {
            classes = column.Texts!.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }

        if (task == MlTask.Binary && classes.Length != 2)
            throw new ArgumentException($"A binary target needs exactly two classes; '{column.Name}' has {classes.Length}.");
        if (task == MlTask.Multiclass && classes.Length < 2)
            throw new ArgumentException($"A multiclass target needs at least two classes; '{column.Name}' has {classes.Length}.");
        return classes;
    }

    /// <summary>Each row's class index in <paramref name="classes"/>, or -1 for a missing or unknown value.</summary>
    public static int[] Indexes(TableColumn column, IReadOnlyList<string> classes)
    {
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < classes.Count; i++) lookup[classes[i]] = i;
        var result = new int[column.Length];
        for (var row = 0; row < result.Length; row++)
            result[row] = Text(column, row) is { } text && lookup.TryGetValue(text, out var index) ? index : -1;
        return result;
    }
}
