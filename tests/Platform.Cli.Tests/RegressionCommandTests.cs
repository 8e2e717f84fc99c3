using System.Text.Json;
using Platform.Tests;

namespace Platform.Cli.Tests;

public sealed class RegressionCommandTests(DiabetesModel model) : IClassFixture<DiabetesModel>
{
    [Fact]
    public void Train_writes_onnx_mlnet_model_and_run_record_with_holdout_r2_above_0_4()
    {
        Assert.True(File.Exists(Path.Combine(model.Folder, "model.onnx")));
        Assert.True(File.Exists(Path.Combine(model.Folder, "model.zip")));
        var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Folder, "run.json"))).RootElement;

        Assert.True(run.GetProperty("holdoutMetrics").GetProperty("r2").GetDouble() >= 0.4);
        Assert.Equal("sdca", run.GetProperty("trainer").GetString());
        Assert.Equal(42, run.GetProperty("seed").GetInt32());
        Assert.Equal("regression", run.GetProperty("parameters").GetProperty("task").GetString());
        Assert.True(run.GetProperty("parameters").GetProperty("taskInferred").GetBoolean());
        Assert.Equal(5, run.GetProperty("crossValidation").GetArrayLength()); // sdca: three ridge and two elastic-net settings
        Assert.Equal(11, run.GetProperty("schema").GetProperty("columns").GetArrayLength());
        var rows = run.GetProperty("rows");
        Assert.Equal(353, rows.GetProperty("total").GetInt32());
        Assert.Equal(353, rows.GetProperty("train").GetInt32() + rows.GetProperty("holdout").GetInt32());
        Assert.True(run.GetProperty("durationSeconds").GetDouble() > 0);
    }

    [Fact]
    public void Train_prints_the_run_record_on_stdout_and_progress_on_stderr()
    {
        var printed = JsonDocument.Parse(model.Train.Stdout).RootElement;
        Assert.Equal("sdca", printed.GetProperty("trainer").GetString());
        Assert.Contains("cross-validation", model.Train.Stderr);
    }

    [Fact]
    public void Predict_writes_one_numeric_prediction_per_test_row()
    {
        var result = Cli.Succeeds("predict", "--model", model.Folder, "--data", SharedData.PathOf("diabetes_test.csv"));

        var (header, rows) = Cli.ParseCsv(result.Stdout);
        Assert.Equal(["prediction"], header);
        Assert.Equal(89, rows.Length);
        Assert.All(rows, row => Assert.True(double.IsFinite(Cli.Number(row[0]))));
    }

    [Fact]
    public void Predict_keeps_input_order_and_writes_to_out_file()
    {
        using var folder = new TempFolder();
        var lines = File.ReadAllLines(SharedData.PathOf("diabetes_test.csv"));
        var reversed = folder.Write("reversed.csv", string.Join('\n', lines.Take(1).Concat(lines.Skip(1).Reverse())) + "\n");

        var forward = Cli.Succeeds("predict", "--model", Path.Combine(model.Folder, "model.onnx"), "--data", SharedData.PathOf("diabetes_test.csv"),
            "--out", folder.File("forward.csv"));
        Cli.Succeeds("predict", "--model", model.Folder, "--data", reversed, "--out", folder.File("backward.csv"));

        Assert.Equal("", forward.Stdout);
        var first = Cli.ParseCsv(File.ReadAllText(folder.File("forward.csv"))).Rows.Select(r => r[0]).ToArray();
        var second = Cli.ParseCsv(File.ReadAllText(folder.File("backward.csv"))).Rows.Select(r => r[0]).ToArray();
        Assert.Equal(89, first.Length);
        Assert.Equal(first, second.Reverse());
        Assert.True(first.Distinct().Count() > 80, "predictions should differ from row to row");
    }

    [Fact]
    public void Evaluate_prints_regression_metrics_as_json_with_r2_above_0_4()
    {
        var result = Cli.Succeeds("evaluate", "--model", model.Folder, "--data", SharedData.PathOf("diabetes_test.csv"), "--target", "target");

        var json = result.Json();
        var metrics = json.GetProperty("metrics");
        Assert.True(metrics.GetProperty("r2").GetDouble() >= 0.4, result.Stdout);
        Assert.True(metrics.GetProperty("rmse").GetDouble() > 0);
        Assert.True(metrics.GetProperty("mae").GetDouble() > 0);
        Assert.Equal(89, json.GetProperty("rows").GetInt32());
        Assert.Equal("regression", json.GetProperty("task").GetString());
    }

    [Fact]
    public void Evaluate_defaults_the_target_to_the_one_the_model_was_trained_on()
    {
        var explicitTarget = Cli.Succeeds("evaluate", "--model", model.Folder, "--data", SharedData.PathOf("diabetes_test.csv"), "--target", "target");
        var defaultTarget = Cli.Succeeds("evaluate", "--model", model.Folder, "--data", SharedData.PathOf("diabetes_test.csv"));

        Assert.Equal(explicitTarget.Stdout, defaultTarget.Stdout);
    }

    [Fact]
    public void Predict_and_evaluate_with_a_model_input_missing_from_the_csv_fail_with_one_line()
    {
        using var folder = new TempFolder();
        var withoutBmi = folder.Write("no-bmi.csv", string.Join('\n', File.ReadAllLines(SharedData.PathOf("diabetes_test.csv"))
            .Select(line => string.Join(',', line.Split(',').Where((_, i) => i != 2)))) + "\n");

        foreach (var verb in new[] { "predict", "evaluate" })
        {
            var result = Cli.Run(verb, "--model", model.Folder, "--data", withoutBmi);
            BadInput.AssertOneLine(result, "'bmi'");
        }
    }

    [Fact]
    public void Predict_and_evaluate_reject_text_in_a_numeric_input_column()
    {
        using var folder = new TempFolder();
        var lines = File.ReadAllLines(SharedData.PathOf("diabetes_test.csv"));
        var fields = lines[5].Split(',');
        fields[2] = "abc";
        lines[5] = string.Join(',', fields);
        var bad = folder.Write("bad.csv", string.Join('\n', lines) + "\n");

        foreach (var verb in new[] { "predict", "evaluate" })
        {
            var result = Cli.Run(verb, "--model", model.Folder, "--data", bad);
            BadInput.AssertOneLine(result, "'abc'");
            Assert.Contains("row 5", result.Stderr);
        }
    }

    [Fact]
    public void Evaluate_with_an_unknown_target_column_fails_with_one_line()
    {
        var result = Cli.Run("evaluate", "--model", model.Folder, "--data", SharedData.PathOf("diabetes_test.csv"), "--target", "nope");

        BadInput.AssertOneLine(result, "'nope'");
    }

    [Fact]
    public void Evaluate_with_a_text_target_for_a_regression_model_fails_with_one_line()
    {
        using var folder = new TempFolder();
        var lines = File.ReadAllLines(SharedData.PathOf("diabetes_test.csv"));
        var withLabel = folder.Write("labelled.csv", string.Join('\n', lines.Select((l, i) => l + (i == 0 ? ",label" : ",high"))) + "\n");

        var result = Cli.Run("evaluate", "--model", model.Folder, "--data", withLabel, "--target", "label");

        BadInput.AssertOneLine(result, "must be numeric");
    }
}
