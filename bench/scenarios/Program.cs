using System.Diagnostics;
using System.Globalization;
using Platform.Bench.Scenarios;
using Platform.Ml.Data;
using Platform.Ml.Models;

// A simulated world with a change point, run against a live platform (the embedded default or the distributed shape):
// producers upload the initial data, consumers predict and send the truth later (a delay, partial coverage), the
// platform is left alone. Reports live error per window, retrains while the world is stable, the time from the change
// to a recovered version being served, and its error against an oracle trained offline (`platform train`).
var options = ScenarioOptions.Parse(args);
var world = new World(options.Classification, options.Seed);
var model = $"scenario-{(options.Classification ? "cls" : "reg")}-{DateTime.UtcNow:MMddHHmmss}";
using var platform = new PlatformClient(options.Url("ingestion"), options.Url("inference"), options.Url("monitoring"), options.Url("training"), options.Url("registry"), options.Key);
var task = options.Classification ? "binary" : "regression";
Console.Error.WriteLine($"scenario {model}: {task}, {options.Initial} initial rows, {options.Stable} stable rows, {options.PostLabelled} labelled post-change rows, coverage {options.Coverage:P0}, feedback {options.DelayBatches} batches late");

await platform.UploadAsync(model, World.Csv(Enumerable.Range(0, options.Initial).Select(_ => world.Next())), task);
var clock = Stopwatch.StartNew();
while ((await platform.RunsAsync(model)).All(r => (string?)r["status"] != "succeeded"))
{
    if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("v1 was not trained within 10 minutes.");
    await Task.Delay(1000);
}

var windows = new List<(string Phase, int Rows, double Error)>();
var pending = new Queue<List<(string Id, string Actual, bool Numeric)>>();
var window = new List<(string Predicted, string Actual)>();
var served = 0;
long labelledPostChange = 0;
var postChangeLabelled = new List<(double[] X, string Y)>();

async Task<int> PredictBatchAsync(string phase, bool sendFeedback)
{
    var rows = Enumerable.Range(0, options.Batch).Select(_ => world.Next()).ToList();
    (int Version, string[] Outputs, string[] Ids)? answer;
    while ((answer = await platform.PredictAsync(model, rows.Select(r => r.X).ToList())) is null) await Task.Delay(500); // v1 loading
    var random = new Random(HashCode.Combine(options.Seed, windows.Count, window.Count));
    var feedback = new List<(string Id, string Actual, bool Numeric)>();
    for (var i = 0; i < rows.Count; i++)
    {
        window.Add((answer.Value.Outputs[i], rows[i].Y));
        if (!sendFeedback || random.NextDouble() >= options.Coverage) continue;
        feedback.Add((answer.Value.Ids[i], rows[i].Y, !options.Classification));
        if (world.Changed)
        {
            labelledPostChange++;
            postChangeLabelled.Add(rows[i]);
        }
    }

    pending.Enqueue(feedback);
    if (pending.Count > options.DelayBatches && pending.Dequeue() is { Count: > 0 } due) await platform.FeedbackAsync(due);
    if (window.Count >= options.WindowRows)
    {
        windows.Add((phase, window.Count, Error(window)));
        window.Clear();
    }

    return answer.Value.Version;
}

async Task FlushFeedbackAsync()
{
    while (pending.Count > 0)
        if (pending.Dequeue() is { Count: > 0 } due) await platform.FeedbackAsync(due);
}

double Error(IReadOnlyList<(string Predicted, string Actual)> pairs) => options.Classification
    ? pairs.Count(p => p.Predicted == p.Actual) / (double)pairs.Count
    : Math.Sqrt(pairs.Average(p => Math.Pow(double.Parse(p.Predicted, CultureInfo.InvariantCulture) - double.Parse(p.Actual, CultureInfo.InvariantCulture), 2)));

// 1. The stable world, with feedback flowing.
for (var rows = 0; rows < options.Stable; rows += options.Batch) served = await PredictBatchAsync("stable", sendFeedback: true);
await FlushFeedbackAsync();
await Task.Delay(options.Settle);
var stableRetrains = (await platform.RunsAsync(model)).Count(r => (string?)r["trigger"] != "dataset");
var stableVersion = served;
Console.Error.WriteLine($"stable phase done: serving v{served}, {stableRetrains} retrains");

// 2. The change: consumers keep predicting; the truth for 1,500 post-change predictions comes back late, then no more.
// The first new version served is the recovery; the runner goes on until every labelled row was sent and no run of the
// model has been queued or running for the settle time, so a follow-up retrain on the later rows is seen too.
world.Changed = true;
var change = Stopwatch.StartNew();
TimeSpan? recovered = null, final = null;
var firstVersion = 0;
TimeSpan? quietSince = null;
while (change.Elapsed < options.Timeout)
{
    var version = await PredictBatchAsync(recovered is null ? "after change" : "after recovery", sendFeedback: labelledPostChange < options.PostLabelled);
    if (labelledPostChange >= options.PostLabelled) await FlushFeedbackAsync();
    if (version != stableVersion && version != served)
    {
        served = version;
        final = change.Elapsed;
        if (recovered is null)
        {
            recovered = final;
            firstVersion = version;
        }

        Console.Error.WriteLine($"v{version} served {final.Value.TotalSeconds:F0} s after the change");
    }

    if (labelledPostChange < options.PostLabelled) continue;
    await Task.Delay(options.PaceAfterLabels);
    if (recovered is null) continue;
    var busy = (await platform.RunsAsync(model)).Any(r => (string?)r["status"] is "queued" or "running");
    quietSince = busy ? null : quietSince ?? change.Elapsed;
    if (quietSince is { } quiet && change.Elapsed - quiet >= options.Settle) break;
}

// 3. Fresh post-change rows: the served version against the oracle trained offline on the labelled post-change rows.
var fresh = Enumerable.Range(0, options.Evaluation).Select(_ => world.Next()).ToList();
var servedPairs = new List<(string Predicted, string Actual)>();
foreach (var chunk in fresh.Chunk(options.Batch))
{
    var answer = (await platform.PredictAsync(model, chunk.Select(r => r.X).ToList()))!.Value;
    servedPairs.AddRange(answer.Outputs.Zip(chunk.Select(r => r.Y)));
}

var oracle = await Oracle.TrainAsync(postChangeLabelled.Take(options.PostLabelled).ToList(), options);
var oraclePairs = oracle.Score(fresh);
var servedError = Error(servedPairs);
var oracleError = Error(oraclePairs);
var audit = await platform.AuditAsync(model);
var runs = await platform.RunsAsync(model);

var metric = options.Classification ? "accuracy" : "RMSE";
Console.WriteLine($"| window | phase | rows | live {metric} |");
Console.WriteLine("|---:|---|---:|---:|");
for (var i = 0; i < windows.Count; i++) Console.WriteLine(FormattableString.Invariant($"| {i + 1} | {windows[i].Phase} | {windows[i].Rows} | {windows[i].Error:F3} |"));
Console.WriteLine();
Console.WriteLine(FormattableString.Invariant($"- retrains while the world was stable ({options.Stable:N0} rows, feedback on {options.Coverage:P0}): {stableRetrains}"));
Console.WriteLine(FormattableString.Invariant($"- labelled post-change rows sent: {Math.Min(labelledPostChange, options.PostLabelled)}; runs after the change: {runs.Count(r => (string?)r["trigger"] != "dataset") - stableRetrains}"));
Console.WriteLine(recovered is { } r
    ? FormattableString.Invariant($"- change → recovered version v{firstVersion} served: {r.TotalSeconds:F0} s, no human action") +
      (served != firstVersion ? FormattableString.Invariant($"; then v{served} (a follow-up on more labelled rows) at {final!.Value.TotalSeconds:F0} s") : "; no later version")
    : FormattableString.Invariant($"- no new version served within {options.Timeout.TotalMinutes:F0} minutes of the change"));
Console.WriteLine(FormattableString.Invariant($"- on {options.Evaluation} fresh post-change rows: served (v{served}) {metric} {servedError:F3}, oracle (`platform train` on the {Math.Min(postChangeLabelled.Count, options.PostLabelled)} labelled post-change rows) {oracleError:F3}, ") +
    (options.Classification ? FormattableString.Invariant($"{(oracleError - servedError) * 100:F1} points below the oracle") : FormattableString.Invariant($"{servedError / oracleError:P0} of the oracle's")));
foreach (var run in runs.Where(r => (string?)r["trigger"] != "dataset").Reverse())
    Console.WriteLine(FormattableString.Invariant($"- run {(string?)run["status"]}, {(string?)run["trainer"]}, {(double?)run["durationSeconds"]:F0} s: {(string?)run["data"]?["policy"]}"));
foreach (var entry in audit.Where(a => (int?)a!["toVersion"] > stableVersion).Reverse())
    Console.WriteLine($"- gate v{(int?)entry!["toVersion"]}: {(string?)entry["reason"]}");
return 0;

namespace Platform.Bench.Scenarios
{
    /// <summary>The oracle: the CLI's `platform train` on the labelled post-change rows, scored with ONNX Runtime.</summary>
    internal sealed class Oracle(OnnxScorer scorer) : IDisposable
    {
        public static async Task<Oracle> TrainAsync(IReadOnlyList<(double[] X, string Y)> rows, ScenarioOptions options)
        {
            var folder = Directory.CreateTempSubdirectory("scenario-oracle-").FullName;
            var data = Path.Combine(folder, "post-change.csv");
            await File.WriteAllTextAsync(data, World.Csv(rows));
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in options.Cli) start.ArgumentList.Add(arg);
            foreach (var arg in new[] { "train", "--data", data, "--target", "y", "--task", options.Classification ? "binary" : "regression", "--out", folder })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"platform train failed: {await stderr}");
            return new Oracle(OnnxScorer.Load(await File.ReadAllBytesAsync(Path.Combine(folder, "model.onnx"))));
        }

        public List<(string Predicted, string Actual)> Score(IReadOnlyList<(double[] X, string Y)> rows)
        {
            var table = new Table(World.Features.Select((f, i) => TableColumn.Numeric(f, rows.Select(r => r.X[i]).ToArray())).ToArray());
            var scores = scorer.Score(table);
            return rows.Select((r, i) => (scores.Labels?[i] ?? scores.Values![i].ToString("R", CultureInfo.InvariantCulture), r.Y)).ToList();
        }

        public void Dispose() => scorer.Dispose();
    }

    internal sealed class ScenarioOptions
    {
        public bool Classification { get; private init; }
        public int Seed { get; private init; } = 1;
        public int Initial { get; private init; } = 1000;
        public int Stable { get; private init; } = 20_000;
        public int PostLabelled { get; private init; } = 1500;
        public double Coverage { get; private init; } = 0.8;
        public int DelayBatches { get; private init; } = 2;
        public int Batch { get; private init; } = 100;
        public int WindowRows { get; private init; } = 1000;
        public int Evaluation { get; private init; } = 2000;
        public TimeSpan Timeout { get; private init; } = TimeSpan.FromMinutes(10);
        public TimeSpan Settle { get; private init; } = TimeSpan.FromSeconds(15);
        public TimeSpan PaceAfterLabels { get; private init; } = TimeSpan.FromSeconds(1);
        public string? Key { get; private init; }
        public string[] Cli { get; private init; } = [];
        private readonly Dictionary<string, Uri> _urls = [];

        public Uri Url(string service) => _urls[service];

        public static ScenarioOptions Parse(string[] args)
        {
            string Value(string name, string fallback)
            {
                var at = Array.IndexOf(args, "--" + name);
                return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
            }

            int Int(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
            var url = Value("url", "http://localhost:5000").TrimEnd('/') + "/";
            var keyFile = Value("key-file", ".platform/dev-api-key");
            var options = new ScenarioOptions
            {
                Classification = Value("task", "regression") == "classification",
                Seed = Int("seed", 1),
                Initial = Int("initial", 1000),
                Stable = Int("stable", 20_000),
                PostLabelled = Int("post-labelled", 1500),
                Coverage = double.Parse(Value("coverage", "0.8"), CultureInfo.InvariantCulture),
                DelayBatches = Int("delay-batches", 2),
                Timeout = TimeSpan.FromMinutes(Int("timeout-minutes", 10)),
                Key = Value("key", File.Exists(keyFile) ? File.ReadAllText(keyFile).Trim() : ""),
                // The CLI as built by `dotnet build tools/Platform.Cli -c Release`, else through `dotnet run`.
                Cli = File.Exists("tools/Platform.Cli/bin/Release/net10.0/platform.dll")
                    ? ["tools/Platform.Cli/bin/Release/net10.0/platform.dll"]
                    : ["run", "--project", "tools/Platform.Cli", "-c", "Release", "--"],
            };
            foreach (var service in new[] { "ingestion", "inference", "monitoring", "training", "registry" })
                options._urls[service] = new Uri(Value(service + "-url", url).TrimEnd('/') + "/");
            return options;
        }
    }
}
