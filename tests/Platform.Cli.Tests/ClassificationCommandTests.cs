using System.Text.Json;
using Platform.Tests;

namespace Platform.Cli.Tests;

public sealed class ClassificationCommandTests(IrisModel model) : IClassFixture<IrisModel>
{
    [Fact]
    public void Train_infers_multiclass_for_a_text_target_with_three_classes()
    {
        var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Folder, "run.json"))).RootElement;

        Assert.Equal("multiclass", run.GetProperty("parameters").GetProperty("task").GetString());
        Assert.True(run.GetProperty("holdoutMetrics").GetProperty("macro_accuracy").GetDouble() > 0.8);
        Assert.Equal(["setosa", "versicolor", "virginica"],
            run.GetProperty("confusionMatrix").GetProperty("labels").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public void Predict_writes_a_label_and_class_probabilities_that_sum_to_one()
    {
        var result = Cli.Succeeds("predict", "--model", model.Folder, "--data", SharedData.PathOf("iris.csv"));

        var (header, rows) = Cli.ParseCsv(result.Stdout);
        Assert.Equal(["prediction", "probability_setosa", "probability_versicolor", "probability_virginica"], header);
        Assert.Equal(150, rows.Length);
        foreach (var row in rows)
        {
            Assert.Contains(row[0], new[] { "setosa", "versicolor", "virginica" });
            var probabilities = row.Skip(1).Select(Cli.Number).ToArray();
            Assert.Equal(1.0, probabilities.Sum(), 1e-5);
            // The label is the most probable class.
            Assert.Equal(header[1 + Array.IndexOf(probabilities, probabilities.Max())], "probability_" + row[0]);
        }

        // The file is in species order: the first rows are setosa, the last virginica.
        Assert.Equal("setosa", rows[0][0]);
        Assert.Equal("virginica", rows[^1][0]);
    }

    [Fact]
    public void Evaluate_prints_multiclass_metrics_and_confusion_matrix()
    {
        var json = Cli.Succeeds("evaluate", "--model", model.Folder, "--data", SharedData.PathOf("iris.csv"), "--target", "species").Json();

        var metrics = json.GetProperty("metrics");
        Assert.True(metrics.GetProperty("micro_accuracy").GetDouble() > 0.8);
        Assert.True(metrics.TryGetProperty("f1_setosa", out _));
        var counts = json.GetProperty("confusionMatrix").GetProperty("counts");
        Assert.Equal(150, counts.EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(c => c.GetInt32()));
    }
}

public sealed class FormulaCellTests
{
    [Fact]
    public void Predicted_labels_that_a_spreadsheet_would_run_as_formulas_are_written_as_text()
    {
        using var folder = new TempFolder();
        var labels = new Dictionary<string, string> { ["setosa"] = "=1+1", ["versicolor"] = "@SUM(1)", ["virginica"] = "-cmd" };
        var lines = File.ReadAllLines(SharedData.PathOf("iris.csv"));
        var data = folder.File("iris-formulas.csv");
        File.WriteAllLines(data, lines.Take(1).Concat(lines.Skip(1).Select(l => labels.Aggregate(l, (line, label) => line.Replace(label.Key, label.Value, StringComparison.Ordinal)))));
        Cli.Succeeds("train", "--data", data, "--target", "species", "--trainers", "sdca-maxent", "--out", folder.File("model"));

        var result = Cli.Succeeds("predict", "--model", folder.File("model"), "--data", data);

        var (_, rows) = Cli.ParseCsv(result.Stdout);
        Assert.All(rows, row => Assert.Contains(row[0], new[] { "'=1+1", "'@SUM(1)", "'-cmd" }));
        Assert.All(rows, row => Assert.True(double.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture) >= 0)); // numbers stay numbers
    }
}
