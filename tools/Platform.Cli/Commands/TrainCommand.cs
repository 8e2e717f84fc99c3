using Platform.Contracts;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Platform.Cli.Infrastructure;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform train</c>: cross-validates the task's trainers on a CSV file, refits the best, and writes model.onnx,
/// model.zip (ML.NET) and run.json (everything needed to reproduce and compare the run) into <c>--out</c>;
/// run.json is also printed on stdout.
/// </summary>
public static class TrainCommand
{
    /// <summary>A numeric target with more distinct values than this is a regression target when --task is omitted.</summary>
    public const int MaxClassesForInferredClassification = 10;

    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "The training CSV file (header row, comma-separated).", Required = true, HelpName = "csv" };
        var target = new Option<string>("--target") { Description = "The column to predict.", Required = true, HelpName = "column" };
        var task = new Option<string?>("--task")
        {
            Description = "regression, binary or multiclass. Default: inferred from the target (numeric with more than 10 distinct values: regression; 2 distinct values: binary; otherwise multiclass).",
        };
        task.AcceptOnlyFromAmong("regression", "binary", "multiclass");
        var trainers = new Option<string?>("--trainers") { Description = "Comma-separated trainer names to try (default: the task's default search, which depends on the task and the number of rows; names: ridge, sdca, fasttree, fastforest, lightgbm, ogd for regression).", HelpName = "a,b" };
        var seed = new Option<int>("--seed") { Description = "Seeds the holdout split, the folds and the trainers.", DefaultValueFactory = _ => 42 };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds on the training split.", DefaultValueFactory = _ => 5 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of rows held out for the final metrics.", DefaultValueFactory = _ => 0.2 };
        var categorical = new Option<string?>("--categorical") { Description = "Comma-separated columns to read as categories even if their values are numbers (codes, zip codes).", HelpName = "a,b" };
        var output = new Option<string>("--out") { Description = "Folder to write model.onnx, model.zip and run.json into (created if needed).", Required = true, HelpName = "dir" };

        var command = new Command("train", "Train a model on a CSV file and write model.onnx, model.zip and run.json.")
        {
            data, target, task, trainers, seed, folds, testFraction, categorical, output,
        };
        command.SetAction(parsed => Run(context, new Arguments(
            parsed.GetValue(data)!, parsed.GetValue(target)!, parsed.GetValue(task), Inputs.SplitList(parsed.GetValue(trainers)),
            parsed.GetValue(seed), parsed.GetValue(folds), parsed.GetValue(testFraction),
            Inputs.SplitList(parsed.GetValue(categorical)) ?? [], parsed.GetValue(output)!)));
        return command;
    }

    private sealed record Arguments(
        string Data, string Target, string? Task, IReadOnlyList<string>? Trainers, int Seed, int Folds, double TestFraction,
        IReadOnlyList<string> Categorical, string Out);

    private static int Run(CliContext context, Arguments args)
    {
        if (args.Seed < 0) throw new InputException("--seed must be zero or positive.");
        if (args.Folds < 2) throw new InputException("--folds must be at least 2.");
        if (!(args.TestFraction > 0 && args.TestFraction < 1)) throw new InputException("--test-fraction must be strictly between 0 and 1.");

        var started = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var table = ReadTrainingTable(args);
        var targetColumn = table[args.Target];
        var (task, inferred) = ChooseTask(args, targetColumn);

        var known = ModelTrainer.TrainerNames(task);
        var unknown = args.Trainers?.Where(t => !known.Contains(t, StringComparer.Ordinal)).ToArray() ?? [];
        if (unknown.Length > 0)
            throw new InputException($"--trainers: unknown {task.ToWireName()} trainer(s) {string.Join(", ", unknown)}; known: {string.Join(", ", known)}.");

        var labelled = CountLabelled(targetColumn);
        var trainRows = labelled - (int)Math.Ceiling(args.TestFraction * labelled);
        if (trainRows < args.Folds)
            throw new InputException($"{args.Data}: {labelled} row(s) have a target value, too few for a {args.TestFraction} holdout and {args.Folds} folds.");

        var options = new TrainingOptions(args.Target, task, args.Seed, args.TestFraction, args.Folds, args.Trainers);
        var result = TrainingProgressView.Run(context, progress => ModelTrainer.Train(table, options, progress));

        Directory.CreateDirectory(args.Out);
        File.WriteAllBytes(Path.Combine(args.Out, ModelFiles.Onnx), result.OnnxModel);
        File.WriteAllBytes(Path.Combine(args.Out, ModelFiles.MlNet), result.MlNetModel);
        var run = RunRecord(args, table, task, inferred, labelled, result, started, stopwatch.Elapsed);
        var json = Json.Serialize(run);
        File.WriteAllText(Path.Combine(args.Out, ModelFiles.Run), json + Environment.NewLine);

        context.Stdout.WriteLine(json);
        var metric = result.HoldoutMetrics.TryGetValue(result.PrimaryMetric, out var value) ? value.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";
        context.Stderr.WriteLine(
            $"Trained {task.ToWireName()} model '{result.Trainer}': holdout {result.PrimaryMetric} {metric} on {result.HoldoutRows} rows; wrote {Path.GetFullPath(args.Out)}");
        return ExitCodes.Success;
    }

    private static Table ReadTrainingTable(Arguments args)
    {
        var table = Inputs.ReadTable(args.Data, "--data");
        var notThere = args.Categorical.Where(c => !table.Contains(c)).ToArray();
        if (notThere.Length > 0) Inputs.RequireColumns(table, notThere, args.Data, "named by --categorical");
        Inputs.RequireColumns(table, [args.Target], args.Data, "the --target");
        if (table.Columns.Count < 2) throw new InputException($"{args.Data}: the file has only the target column; a model needs at least one feature.");
        if (args.Categorical.Count > 0) table = Inputs.ReadTable(args.Data, "--data", args.Categorical);
        Inputs.RejectSuspiciousText(table, args.Data, args.Categorical, ", or name the column in --categorical if it holds categories");
        if (table.RowCount == 0) throw new InputException($"{args.Data}: the file has a header but no rows.");
        return table;
    }

    /// <summary>The task asked for (checked against the target) or the one inferred from the target's values.</summary>
    private static (MlTask Task, bool Inferred) ChooseTask(Arguments args, TableColumn target)
    {
        var distinct = DistinctValues(target);
        if (distinct == 0) throw new InputException($"{args.Data}: the target '{args.Target}' has no values.");

        if (args.Task is null)
        {
            var inferred = target.Kind == ColumnKind.Numeric && distinct > MaxClassesForInferredClassification ? MlTask.Regression
                : distinct == 2 ? MlTask.Binary
                : MlTask.Multiclass;
            if (inferred == MlTask.Multiclass && distinct < 2)
                throw new InputException($"{args.Data}: the target '{args.Target}' has a single value; there is nothing to predict.");
            return (inferred, true);
        }

        if (!MlTaskNames.TryParse(args.Task, out var task)) throw new InputException($"--task: unknown task '{args.Task}'.");
        switch (task)
        {
            case MlTask.Regression when target.Kind != ColumnKind.Numeric:
                throw new InputException(
                    $"--task regression needs a numeric target, but '{args.Target}' is {target.Kind.ToWireName()} ({distinct} distinct values); use --task {(distinct == 2 ? "binary" : "multiclass")}.");
            case MlTask.Binary when distinct != 2:
                throw new InputException(
                    $"--task binary needs a target with exactly 2 distinct values, but '{args.Target}' has {distinct}; use --task {(target.Kind == ColumnKind.Numeric && distinct > MaxClassesForInferredClassification ? "regression" : "multiclass")}.");
            case MlTask.Multiclass when distinct < 2:
                throw new InputException($"--task multiclass needs at least 2 distinct target values, but '{args.Target}' has {distinct}.");
        }

        return (task, false);
    }

    private static int DistinctValues(TableColumn column) => column.Numbers is { } numbers
        ? numbers.Where(v => !double.IsNaN(v)).Distinct().Count()
        : column.Texts!.OfType<string>().Distinct(StringComparer.Ordinal).Count();

    private static int CountLabelled(TableColumn column) => column.Numbers is { } numbers
        ? numbers.Count(v => !double.IsNaN(v))
        : column.Texts!.Count(t => t is not null);

    private static object RunRecord(Arguments args, Table table, MlTask task, bool inferred, int labelled, TrainingResult result,
        DateTimeOffset started, TimeSpan elapsed) => new
    {
        tool = "platform train",
        toolVersion = typeof(TrainCommand).Assembly.GetName().Version?.ToString(),
        startedAt = started,
        parameters = new
        {
            data = Path.GetFullPath(args.Data),
            dataSha256 = Sha256Of(args.Data),
            target = args.Target,
            task = task.ToWireName(),
            taskInferred = inferred,
            trainers = result.SearchedTrainers,
            seed = args.Seed,
            folds = args.Folds,
            repeats = result.Repeats,
            testFraction = args.TestFraction,
            categoricalColumns = args.Categorical,
        },
        trainer = result.Trainer,
        hyperParameters = result.Parameters,
        primaryMetric = result.PrimaryMetric,
        higherIsBetter = result.HigherIsBetter,
        crossValidation = result.CrossValidation,
        featureWeightKind = result.FeatureWeightKind,
        featureWeights = result.FeatureWeights,
        holdoutMetrics = result.HoldoutMetrics,
        confusionMatrix = result.ConfusionMatrix,
        schema = table.Schema,
        signature = result.Signature,
        seed = result.Seed,
        durationSeconds = Math.Round(elapsed.TotalSeconds, 3),
        trainingSeconds = Math.Round(result.Duration.TotalSeconds, 3),
        rows = new { total = table.RowCount, labelled, train = result.TrainRows, holdout = result.HoldoutRows },
        files = new { onnx = ModelFiles.Onnx, mlnet = ModelFiles.MlNet },
    };

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
