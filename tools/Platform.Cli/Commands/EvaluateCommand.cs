using System.CommandLine;
using System.Globalization;
using Platform.Cli.Infrastructure;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform evaluate</c>: scores a labelled CSV file with an ONNX model and prints the task's metrics as one JSON
/// document (ModelEvaluator: rmse/mae/r2, or accuracy/precision/recall/f1/auc/log_loss, or micro/macro accuracy,
/// log_loss and per-class f1), with the confusion matrix for classifiers.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A training output folder (holding model.onnx) or an .onnx file.", Required = true, HelpName = "dir|onnx" };
        var data = new Option<string>("--data") { Description = "A CSV file with the model's inputs and the target.", Required = true, HelpName = "csv" };
        var target = new Option<string?>("--target") { Description = "The column holding the true values (default: the target the model was trained on).", HelpName = "column" };

        var command = new Command("evaluate", "Print a model's metrics on a labelled CSV file as JSON.") { model, data, target };
        command.SetAction(parsed => Run(context, parsed.GetValue(model)!, parsed.GetValue(data)!, parsed.GetValue(target)));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string dataPath, string? targetName)
    {
        using var scorer = ModelFiles.Load(modelPath);
        var signature = scorer.Signature;
        var target = targetName ?? (signature.Target.Length > 0
            ? signature.Target
            : throw new InputException("--target is required: the model does not record which column it predicts."));
        if (signature.Inputs.Any(i => i.Name == target))
            throw new InputException($"--target: '{target}' is an input of the model, not what it predicts.");

        var table = ScoringInput.Read(dataPath, signature,
            (target, targetName is null ? "the model's target; pass --target to compare with another column" : "the --target"));
        var column = table[target];
        var labelled = CheckTarget(dataPath, signature, column);
        var scores = scorer.Score(table);
        var metrics = ModelEvaluator.Evaluate(signature.Task, table, target, scores, signature.ClassLabels);
        var confusion = signature.Task == MlTask.Regression ? null : ModelEvaluator.Confusion(table, target, scores, signature.ClassLabels!);

        Json.Write(context.Stdout, new
        {
            model = Path.GetFullPath(ModelFiles.ResolveOnnx(modelPath)),
            data = Path.GetFullPath(dataPath),
            task = signature.Task.ToWireName(),
            target,
            rows = table.RowCount,
            evaluatedRows = labelled,
            metrics,
            confusionMatrix = confusion,
        });
        return ExitCodes.Success;
    }

    /// <summary>The number of rows that can be scored against the target; throws when the target cannot be compared with the model's output.</summary>
    private static int CheckTarget(string path, ModelSignature signature, TableColumn column)
    {
        if (signature.Task == MlTask.Regression)
        {
            Inputs.RequireNumeric(column, path, "the model is a regression");
            var present = column.Numbers!.Count(v => !double.IsNaN(v));
            return present > 0 ? present : throw new InputException($"{path}: the target '{column.Name}' has no values.");
        }

        var classes = new HashSet<string>(signature.ClassLabels ?? [], StringComparer.Ordinal);
        var known = 0;
        for (var row = 0; row < column.Length; row++)
            if (LabelOf(column, row) is { } label && classes.Contains(label)) known++;
        if (known == 0)
            throw new InputException(
                $"{path}: no value of '{column.Name}' is one of the model's classes ({string.Join(", ", classes)}); is this the right --target?");
        return known;
    }

    /// <summary>The class label of a target value, written as training writes it (numbers in round-trip form, booleans as false/true).</summary>
    private static string? LabelOf(TableColumn column, int row)
    {
        if (column.Texts is { } texts) return texts[row];
        var value = column.Numbers![row];
        if (double.IsNaN(value)) return null;
        return column.Kind == ColumnKind.Boolean ? (value != 0 ? "true" : "false") : value.ToString("R", CultureInfo.InvariantCulture);
    }
}
