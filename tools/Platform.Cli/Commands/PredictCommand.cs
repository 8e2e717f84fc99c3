using System.CommandLine;
using Platform.Cli.Infrastructure;
using Platform.Ml;
using Platform.Ml.Models;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform predict</c>: scores every row of a CSV file with an ONNX model (ONNX Runtime) and writes one CSV row per
/// input row, in input order: <c>prediction</c>, plus <c>probability_&lt;class&gt;</c> per class for classifiers.
/// Columns the model does not take (e.g. the target) are ignored.
/// </summary>
public static class PredictCommand
{
    public const string PredictionColumn = "prediction";
    public const string ProbabilityPrefix = "probability_";

    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A training output folder (holding model.onnx) or an .onnx file.", Required = true, HelpName = "dir|onnx" };
        var data = new Option<string>("--data") { Description = "The CSV file to score; it must have every input column of the model.", Required = true, HelpName = "csv" };
        var output = new Option<string?>("--out") { Description = "Where to write the predictions CSV (default: stdout).", HelpName = "csv" };

        var command = new Command("predict", "Score a CSV file with a model: one prediction per row, in input order.") { model, data, output };
        command.SetAction(parsed => Run(context, parsed.GetValue(model)!, parsed.GetValue(data)!, parsed.GetValue(output)));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string dataPath, string? outPath)
    {
        using var scorer = ModelFiles.Load(modelPath);
        var table = ScoringInput.Read(dataPath, scorer.Signature);
        var scores = scorer.Score(table);

        if (outPath is null)
        {
            Write(context.Stdout, scorer.Signature, scores, table.RowCount);
            return ExitCodes.Success;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (folder is not null && !Directory.Exists(folder)) throw new InputException($"--out: folder '{folder}' does not exist.");
        using (var writer = new StreamWriter(outPath))
            Write(writer, scorer.Signature, scores, table.RowCount);
        context.Stderr.WriteLine($"Wrote {table.RowCount} predictions to {outPath}");
        return ExitCodes.Success;
    }

    private static void Write(TextWriter writer, ModelSignature signature, ScoreResult scores, int rows)
    {
        if (signature.Task == MlTask.Regression)
        {
            CsvOutput.WriteRow(writer, [PredictionColumn]);
            foreach (var value in scores.Values!) CsvOutput.WriteRow(writer, [CsvOutput.Number(value)]);
            return;
        }

        var probabilities = scores.Probabilities;
        // A foreign model may give probabilities without naming its classes: number them.
        var classes = signature.ClassLabels
            ?? Enumerable.Range(0, probabilities is { Length: > 0 } ? probabilities[0].Length : 0).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var header = new List<string> { PredictionColumn };
        if (probabilities is not null) header.AddRange(classes.Select(c => ProbabilityPrefix + c));
        CsvOutput.WriteRow(writer, header);
        for (var row = 0; row < rows; row++)
        {
            var fields = new List<string>(header.Count) { scores.Labels![row] };
            if (probabilities is not null) fields.AddRange(probabilities[row].Select(CsvOutput.Number));
            CsvOutput.WriteRow(writer, fields);
        }
    }
}
