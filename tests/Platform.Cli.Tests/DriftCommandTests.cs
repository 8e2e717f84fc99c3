using System.Globalization;
using System.Text.Json;
using Platform.Tests;

namespace Platform.Cli.Tests;

public sealed class DriftCommandTests
{
    private static readonly string[] Fields = ["column", "kind", "test", "statistic", "pValue", "psi", "wasserstein", "severity", "drifted"];

    [Fact]
    public void Drift_between_the_diabetes_train_and_test_split_is_none_at_the_default_rules()
    {
        var result = Cli.Succeeds("drift", "--reference", SharedData.PathOf("diabetes_train.csv"),
            "--current", SharedData.PathOf("diabetes_test.csv"), "--format", "json");

        var json = result.Json();
        var columns = json.GetProperty("columns").EnumerateArray().ToArray();
        Assert.Equal(11, columns.Length);
        foreach (var column in columns)
        {
            foreach (var field in Fields) Assert.True(column.TryGetProperty(field, out _), $"missing {field}");
            Assert.False(column.GetProperty("drifted").GetBoolean(), column.ToString());
            Assert.Equal("none", column.GetProperty("severity").GetString());
            Assert.Equal("ks", column.GetProperty("test").GetString());
        }

        Assert.False(json.GetProperty("datasetDrift").GetBoolean());
        Assert.Equal(0, json.GetProperty("driftedShare").GetDouble());
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Drift_flags_bmi_shifted_by_three_standard_deviations()
    {
        using var folder = new TempFolder();
        var shifted = WriteWithShiftedColumn(folder, SharedData.PathOf("diabetes.csv"), "bmi", standardDeviations: 3);

        var json = Cli.Succeeds("drift", "--reference", SharedData.PathOf("diabetes.csv"), "--current", shifted, "--format", "json").Json();

        var columns = json.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("column").GetString()!);
        var bmi = columns["bmi"];
        Assert.True(bmi.GetProperty("drifted").GetBoolean());
        Assert.Equal("critical", bmi.GetProperty("severity").GetString());
        Assert.True(bmi.GetProperty("pValue").GetDouble() < 1e-10);
        Assert.All(columns.Where(c => c.Key != "bmi"), c => Assert.False(c.Value.GetProperty("drifted").GetBoolean()));
        // One drifted column of eleven (9%) is below the default 30% dataset threshold: the column drifts, the dataset does not.
        Assert.Equal(1.0 / 11, json.GetProperty("driftedShare").GetDouble(), 1e-12);
        Assert.False(json.GetProperty("datasetDrift").GetBoolean());
    }

    [Fact]
    public void Drift_on_selected_columns_decides_dataset_drift_on_those_columns_only()
    {
        using var folder = new TempFolder();
        var shifted = WriteWithShiftedColumn(folder, SharedData.PathOf("diabetes.csv"), "bmi", standardDeviations: 3);

        var json = Cli.Succeeds("drift", "--reference", SharedData.PathOf("diabetes.csv"), "--current", shifted, "--columns", "bmi,bp").Json();

        Assert.Equal(["bmi", "bp"], json.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("column").GetString()!));
        Assert.Equal(0.5, json.GetProperty("driftedShare").GetDouble());
        Assert.True(json.GetProperty("datasetDrift").GetBoolean());
    }

    [Fact]
    public void Drift_exits_zero_when_there_is_drift_and_prints_a_table_on_request()
    {
        using var folder = new TempFolder();
        var shifted = WriteWithShiftedColumn(folder, SharedData.PathOf("diabetes.csv"), "bmi", standardDeviations: 3);

        var result = Cli.Succeeds("drift", "--reference", SharedData.PathOf("diabetes.csv"), "--current", shifted, "--format", "table");

        Assert.Contains("bmi", result.Stdout);
        Assert.Contains("critical", result.Stdout);
        Assert.Contains("1 of 11 columns drifted", result.Stdout);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(result.Stdout));
    }

    [Fact]
    public void Drift_json_is_exactly_one_document()
    {
        var result = Cli.Succeeds("drift", "--reference", SharedData.PathOf("iris.csv"), "--current", SharedData.PathOf("iris.csv"));

        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(result.Stdout));
        Assert.True(JsonDocument.TryParseValue(ref reader, out var document));
        Assert.True(reader.BytesConsumed >= System.Text.Encoding.UTF8.GetByteCount(result.Stdout.TrimEnd()));
        var species = document!.RootElement.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "species");
        Assert.Equal("chi2", species.GetProperty("test").GetString());
        Assert.Equal(JsonValueKind.Null, species.GetProperty("wasserstein").ValueKind);
    }

    /// <summary>A copy of the CSV file (plain numbers, no quoted fields) with one column moved by k sample standard deviations.</summary>
    private static string WriteWithShiftedColumn(TempFolder folder, string path, string column, double standardDeviations)
    {
        var lines = File.ReadAllLines(path);
        var index = Array.IndexOf(lines[0].Split(','), column);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var values = rows.Select(r => Cli.Number(r[index])).ToArray();
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        foreach (var row in rows)
            row[index] = (Cli.Number(row[index]) + standardDeviations * std).ToString("R", CultureInfo.InvariantCulture);
        return folder.Write($"{column}-shifted.csv", string.Join('\n', rows.Select(r => string.Join(',', r)).Prepend(lines[0])) + "\n");
    }
}
