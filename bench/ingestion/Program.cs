// Measures Ingestion's streaming path on a generated CSV: staging (copy + SHA-256) and the validation + profile pass
// (DatasetValidator, as an upload runs it), with the process's peak working set and throughput.
//
//   dotnet run -c Release --project bench/ingestion -- <size-in-MB> [folder] [mixed|numeric]     (bash bench/ingestion/run.sh runs 10, 100, 1000)
//   INGESTION_BENCH_WARM=1: a 10 MB pass first, so the measured one runs warm (a service after its first upload).
//
// mixed (default): eight columns as a tabular export has them; numeric: ten numeric columns and a numeric target.
//
// The file is generated in the folder (default /tmp/ingestion-bench), never in the repository, and reused if present.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Ingestion;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Validation;

var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var folder = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "ingestion-bench");
Directory.CreateDirectory(folder);
var shape = args.Length > 2 ? args[2] : "mixed";
var csv = Path.Combine(folder, shape == "numeric" ? $"numeric-{megabytes}mb.csv" : $"data-{megabytes}mb.csv");
if (!File.Exists(csv))
{
    if (shape == "numeric") GenerateNumeric(csv, megabytes * 1_000_000L);
    else if (shape == "mixed") Generate(csv, megabytes * 1_000_000L);
    else throw new ArgumentException($"Unknown shape '{shape}': mixed or numeric.");
}
var bytes = new FileInfo(csv).Length;
// INGESTION_BENCH_WARM=1: one pass over a 10 MB file of the same shape first, as a service that has taken an upload
// before: the measured pass then runs compiled code (tier 1), not the JIT's first tiers and the JIT itself.
var warm = Environment.GetEnvironmentVariable("INGESTION_BENCH_WARM") == "1";

var options = Options.Create(new IngestionOptions { StoragePath = Path.Combine(folder, "store") });
var store = new ContentStore(options);
if (warm) await WarmUpAsync(folder, shape, store, options.Value);
var before = Process.GetCurrentProcess().WorkingSet64;

var clock = Stopwatch.StartNew();
ContentStore.StagedContent staged;
await using (var input = File.OpenRead(csv)) staged = await store.StageAsync(input, long.MaxValue, CancellationToken.None);
var stageSeconds = clock.Elapsed.TotalSeconds;

clock.Restart();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var validator = new DatasetValidator(store, options.Value.MaxLineBytes, options.Value.MaxReportedProblems, options.Value.MaxCategoriesInSchema);
var result = await validator.ValidateAsync(new ValidationRequest(staged, null, null, "y", BadRowPolicy.Reject), CancellationToken.None);
var validateSeconds = clock.Elapsed.TotalSeconds;
// CPU time as well as wall time: on a shared machine the wall clock measures the neighbours too.
var validateCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
store.Discard(staged);
if (result.Output is null) throw new InvalidOperationException("The generated file was rejected: " + string.Join("; ", result.Problems.First));

// The same file through the record scanner alone (fields decoded, nothing profiled): how the pass's time splits.
clock.Restart();
long records = 0;
await using (var again = File.OpenRead(csv))
using (var scanner = new CsvRecordScanner(again, options.Value.MaxLineBytes))
{
    while (await scanner.NextAsync(CancellationToken.None))
    {
        for (var i = 0; i < scanner.FieldCount; i++) _ = scanner.Field(i);
        records++;
    }
}

var scanSeconds = clock.Elapsed.TotalSeconds;
var process = Process.GetCurrentProcess();
var mb = bytes / 1e6;
var peakMiB = process.PeakWorkingSet64 / 1048576.0;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{mb,8:F0} MB {shape,-7}{(warm ? " warm" : " cold")}  {result.Profile!.RowCount,11:N0} rows  stage {mb / stageSeconds,6:F0} MB/s  validate+profile {mb / validateSeconds,6:F1} MB/s ({validateSeconds:F1} s), {mb / validateCpuSeconds,6:F1} MB/s of CPU time; record scan alone {mb / scanSeconds,6:F0} MB/s  working set at start {before / 1048576.0:F0} MiB, peak {peakMiB:F0} MiB"));

static async Task WarmUpAsync(string folder, string shape, ContentStore store, IngestionOptions options)
{
    var path = Path.Combine(folder, shape == "numeric" ? "numeric-10mb.csv" : "data-10mb.csv");
    if (!File.Exists(path))
    {
        if (shape == "numeric") GenerateNumeric(path, 10_000_000L);
        else Generate(path, 10_000_000L);
    }

    await using var input = File.OpenRead(path);
    var staged = await store.StageAsync(input, long.MaxValue, CancellationToken.None);
    await new DatasetValidator(store, options.MaxLineBytes, options.MaxReportedProblems, options.MaxCategoriesInSchema)
        .ValidateAsync(new ValidationRequest(staged, null, null, "y", BadRowPolicy.Reject), CancellationToken.None);
    store.Discard(staged);
}

// Eight columns as a tabular export has them: numbers, a category, a boolean, free text, a regression target.
static void Generate(string path, long targetBytes)
{
    var random = new Random(42);
    var categories = new[] { "red", "green", "blue", "yellow", "purple" };
    using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
    writer.Write("id,age,income,score,colour,member,note,y\n");
    var line = new StringBuilder();
    for (long i = 0; writer.BaseStream.Length < targetBytes; i++)
    {
        line.Clear();
        line.Append(CultureInfo.InvariantCulture, $"{i},{random.Next(18, 90)},{random.NextDouble() * 100000:F2},{random.NextDouble():F6},");
        line.Append(categories[random.Next(categories.Length)]).Append(',').Append(random.Next(2) == 0 ? "true" : "false").Append(',');
        line.Append(CultureInfo.InvariantCulture, $"\"note {i % 1000}, free text\",{random.NextDouble() * 50:F3}\n");
        writer.Write(line);
    }
}

// Ten numeric columns (integers, prices, measurements, ratios) and a numeric target, as a sensor or finance export has them.
static void GenerateNumeric(string path, long targetBytes)
{
    var random = new Random(42);
    using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
    writer.Write("id,x1,x2,x3,x4,x5,x6,x7,x8,x9,y\n");
    var line = new StringBuilder();
    for (long i = 0; writer.BaseStream.Length < targetBytes; i++)
    {
        line.Clear();
        line.Append(CultureInfo.InvariantCulture, $"{i},{random.Next(0, 1000)},{random.NextDouble() * 1000:F2},{random.NextDouble():F6},{random.Next(-50, 50)},");
        line.Append(CultureInfo.InvariantCulture, $"{random.NextDouble() * 1e6:F1},{random.NextDouble() - 0.5:F4},{random.Next(1, 8)},{random.NextDouble() * 40:F3},{random.NextDouble() * 3:F5},");
        line.Append(CultureInfo.InvariantCulture, $"{random.NextDouble() * 50:F3}\n");
        writer.Write(line);
    }
}
