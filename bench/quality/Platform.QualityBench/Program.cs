using System.Diagnostics;
using System.Globalization;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

// The platform's side of the parity benchmark: ModelTrainer.Train with its defaults (all trainers of the task,
// 5 folds, 20 % holdout) on each dataset with seeds 0..4. The holdout is scikit-learn's train_test_split with the
// same seed (stratified for classifiers), so both sides are scored on the same test rows; the test target's sum is
// written beside the metric so the comparison can check that. CPU time is this process's, around Train.
//   dotnet run -c Release --project bench/quality/Platform.QualityBench -- [dataset ...]   → results/platform.csv

var here = FindBenchFolder();
var tasks = File.ReadAllLines(Path.Combine(here, "data", "tasks.csv"))
    .Select(line => line.Split(','))
    .ToDictionary(parts => parts[0], parts => parts[1]);
var names = args.Length > 0 ? args : tasks.Keys.ToArray();
var resultsPath = Path.Combine(here, "results", "platform.csv");
Directory.CreateDirectory(Path.GetDirectoryName(resultsPath)!);
var kept = File.Exists(resultsPath)
    ? File.ReadAllLines(resultsPath).Skip(1).Where(line => !names.Contains(line.Split(',')[0])).ToList()
    : [];

var lines = new List<string>();
foreach (var name in names)
{
    if (!MlTaskNames.TryParse(tasks[name], out var task)) throw new InvalidOperationException($"Unknown task {tasks[name]}.");
    var table = CsvTableReader.Read(Path.Combine(here, "data", $"{name}.csv"));
    var metric = task switch { MlTask.Regression => "r2", MlTask.Binary => "accuracy", _ => "micro_accuracy" };
    for (var seed = 0; seed < 5; seed++)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var result = ModelTrainer.Train(table, new TrainingOptions("target", task, Seed: seed));
        process.Refresh();
        var cpu = (process.TotalProcessorTime - before).TotalSeconds;
        var testSum = result.Holdout["target"].Numbers!.Sum();
        var model = $"{result.Trainer} {string.Join(" ", result.Parameters.Select(p => $"{p.Key}={p.Value}"))}";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name},{seed},{model},{result.HoldoutMetrics[metric]:F6},{cpu:F3},{testSum:R},{result.CrossValidation.Count}");
        lines.Add(line);
        Console.WriteLine(line);
        foreach (var c in result.CrossValidation)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name} {seed} {c.Trainer} {string.Join(" ", c.Parameters.Select(p => $"{p.Key}={p.Value}"))}: {c.Mean:F4} ± {c.StdDev:F4} ({c.Seconds:F1} s)"));
    }
}

File.WriteAllLines(resultsPath, ["dataset,seed,model,metric,cpu_seconds,test_target_sum,candidates", .. kept, .. lines]);

static string FindBenchFolder()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "quality");
            if (File.Exists(Path.Combine(candidate, "data", "tasks.csv"))) return candidate;
        }

    throw new DirectoryNotFoundException("Run bench/quality/export_datasets.py first (no bench/quality/data/tasks.csv found upwards).");
}
