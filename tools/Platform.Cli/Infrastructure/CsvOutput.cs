using System.Globalization;

namespace Platform.Cli.Infrastructure;

/// <summary>
/// Writes RFC 4180 CSV: fields with commas, quotes or line breaks are quoted; numbers in invariant round-trip form.
/// Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return: a class label
/// taken from someone's training data) is prefixed with an apostrophe; numbers are left alone.
/// </summary>
internal static class CsvOutput
{
    public static void WriteRow(TextWriter writer, IEnumerable<string> fields) => writer.WriteLine(string.Join(',', fields.Select(f => Escape(Neutralise(f)))));

    private static string Neutralise(string field) =>
        field.Length > 0 && "=+-@\t\r".Contains(field[0]) && !double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + field
            : field;

    /// <summary>Values that came from a float (ONNX outputs) are written in float's shortest form: 132.9825, not 132.9824981689453.</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? ""
        : (double)(float)value == value ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
        : value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(float value) => float.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1])))
            ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : field;
}
