using System.Diagnostics;
using System.Globalization;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

// The platform's side of the parity benchmark: ModelTrainer.Train with its defaults (all trainers of the task,
// 5 folds, 20 % holdout) on each dataset with seeds 0..4. The holdout is scikit-learn's train_test_split with the
// same seed (stratified for classifiers), so both sides are scored on the same test rows; the test target's sum is
// written beside the metric so the comparison can check that. CPU time is this process's, around Train (one
// training at a time per process: run.sh runs datasets in parallel as separate processes).
//   dotnet run -c Release --project bench/quality/Platform.QualityBench -- [--seeds 0,1,2,3,4] [--trainers a,b] [--best-score] [--repeats N] [dataset ...]
//   → results/platform-<dataset>.csv, one per dataset; every candidate's CV score on stderr

var here = FindBenchFolder();
var tasks = File.ReadAllLines(Path.Combine(here, "data", "tasks.csv"))
    .Select(line => line.Split(','))
    .ToDictionary(parts => parts[0], parts => parts[1]);
var seeds = Enumerable.Range(0, 5).ToArray();
string[]? trainers = null; // --trainers a,b: only those (an experiment; the results file then says so)
var bestScore = false; // --best-score: no one-standard-error rule on small data (an experiment, likewise)
int? repeats = null; // --repeats N: that many cross-validation repeats instead of the choice by data size (an experiment, likewise)
var names = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--seeds") seeds = args[++i].Split(',').Select(int.Parse).ToArray();
    else if (args[i] == "--trainers") trainers = args[++i].Split(',');
    else if (args[i] == "--best-score") bestScore = true;
    else if (args[i] == "--repeats") repeats = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else names.Add(args[i]);
}

if (names.Count == 0) names.AddRange(tasks.Keys);
Directory.CreateDirectory(Path.Combine(here, "results"));

foreach (var name in names)
{
    if (!MlTaskNames.TryParse(tasks[name], out var task)) throw new InvalidOperationException($"Unknown task {tasks[name]}.");
    var table = CsvTableReader.Read(Path.Combine(here, "data", $"{name}.csv"));
    var metric = task switch { MlTask.Regression => "r2", MlTask.Binary => "accuracy", _ => "micro_accuracy" };
    var lines = new List<string>();
    foreach (var seed in seeds)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var result = ModelTrainer.Train(table, new TrainingOptions("target", task, Seed: seed, Trainers: trainers, OneStandardErrorRule: !bestScore,
            Repeats: repeats));
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
                $"  {name} {seed} {c.Trainer} {string.Join(" ", c.Parameters.Select(p => $"{p.Key}={p.Value}"))}: {c.Mean:F4} ± {c.StdDev:F4}, {result.SelectionMetric} {c.SelectionMean:F4} ({c.FoldScores.Count} folds, {c.Seconds:F1} s)"));

        // Written after every split, so a run cut short keeps the splits it finished. A run over some of the seeds
        // gets its own file, so that several processes can share a dataset's splits.
        var file = seeds.SequenceEqual(Enumerable.Range(0, 5)) ? $"platform-{name}.csv" : $"platform-{name}-seeds-{string.Join("-", seeds)}.csv";
        if (trainers is not null || bestScore || repeats is not null) // experiments: not read by compare.py
            file = $"experiment-{name}{(bestScore ? "-best-score" : "")}{(repeats is { } r ? $"-repeats-{r}" : "")}-{string.Join("-", trainers ?? ["default"])}-seeds-{string.Join("-", seeds)}.csv";
        File.WriteAllLines(Path.Combine(here, "results", file), ["dataset,seed,model,metric,cpu_seconds,test_target_sum,candidates", .. lines]);
    }
}

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
