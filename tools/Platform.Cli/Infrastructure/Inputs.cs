using System.Globalization;
using Platform.Ml.Data;

namespace Platform.Cli.Infrastructure;

/// <summary>Reads the files the verbs are given, turning every problem with them into an <see cref="InputException"/> that names the file.</summary>
internal static class Inputs
{
    public static string RequireFile(string path, string option)
    {
        if (Directory.Exists(path)) throw new InputException($"{option}: '{path}' is a directory, not a file.");
        if (!File.Exists(path)) throw new InputException($"{option}: file '{path}' does not exist.");
        return path;
    }

    /// <summary>Reads a whole CSV file into a table (kinds inferred, <paramref name="categorical"/> forced to categorical).</summary>
    public static Table ReadTable(string path, string option, IEnumerable<string>? categorical = null)
    {
        RequireFile(path, option);
        var forced = categorical?.ToHashSet(StringComparer.Ordinal);
        try
        {
            return CsvTableReader.Read(path, forced is { Count: > 0 } ? new CsvReadOptions { CategoricalColumns = forced } : null);
        }
        catch (CsvFormatException e)
        {
            throw new InputException($"{path}: {e.Message}");
        }
        catch (IOException e)
        {
            throw new InputException($"{path}: {e.Message}");
        }
    }

    /// <summary>"a, b,c" → [a, b, c]; null or blank → null.</summary>
    public static IReadOnlyList<string>? SplitList(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length == 0 ? null : items.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static void RequireColumns(Table table, IEnumerable<string> names, string path, string what)
    {
        var missing = names.Where(n => !table.Contains(n)).ToArray();
        if (missing.Length == 0) return;
        var plural = missing.Length == 1 ? "column" : "columns";
        throw new InputException(
            $"{path}: no {plural} {string.Join(", ", missing.Select(m => $"'{m}'"))} ({what}); the file has {Describe(table)}.");
    }

    public static string Describe(Table table) =>
        table.Columns.Count <= 20
            ? $"columns {string.Join(", ", table.Columns.Select(c => c.Name))}"
            : $"{table.Columns.Count} columns ({string.Join(", ", table.Columns.Take(20).Select(c => c.Name))}, …)";

    /// <summary>Throws unless the column holds numbers (or booleans), naming the first value that is not a number.</summary>
    public static void RequireNumeric(TableColumn column, string path, string why)
    {
        if (column.Numbers is not null) return;
        var (row, value) = FirstNonNumeric(column);
        throw new InputException(
            $"{path}: column '{column.Name}' must be numeric ({why}), but data row {row + 1} holds '{value}' (write missing values as empty or NA).");
    }

    /// <summary>
    /// A column read as categorical although most of its values are numbers: almost always a numeric column with a typo
    /// or a foreign missing-value token, which would otherwise be one-hot encoded or compared as categories. Returns the
    /// first offending value, or null when the column looks genuinely categorical.
    /// </summary>
    public static (int Row, string Value)? SuspiciousText(TableColumn column)
    {
        if (column.Texts is not { } texts) return null;
        int numbers = 0, others = 0;
        foreach (var text in texts)
        {
            if (text is null) continue;
            if (IsNumber(text)) numbers++;
            else others++;
        }

        return numbers > 0 && numbers >= 9 * others ? FirstNonNumeric(column) : null;
    }

    /// <summary>Throws for the first column of <paramref name="table"/> that <see cref="SuspiciousText"/> flags, except <paramref name="allowed"/>.</summary>
    public static void RejectSuspiciousText(Table table, string path, IEnumerable<string>? allowed, string hint)
    {
        var skip = allowed?.ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var column in table.Columns)
        {
            if (skip.Contains(column.Name) || SuspiciousText(column) is not { } bad) continue;
            throw new InputException(
                $"{path}: column '{column.Name}' holds numbers but data row {bad.Row + 1} holds '{bad.Value}', which is not a number " +
                $"(write missing values as empty or NA{hint}).");
        }
    }

    private static (int Row, string Value) FirstNonNumeric(TableColumn column)
    {
        var texts = column.Texts!;
        for (var row = 0; row < texts.Length; row++)
            if (texts[row] is { } text && !IsNumber(text)) return (row, text);
        return (0, "");
    }

    private static bool IsNumber(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
