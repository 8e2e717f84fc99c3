// Measures Ingestion's streaming path on a generated CSV: staging (copy + SHA-256) and the validation + profile pass
// (DatasetValidator, as an upload runs it), with the process's peak working set and throughput.
//
//   dotnet run -c Release --project bench/ingestion -- <size-in-MB> [folder]     (bash bench/ingestion/run.sh runs 10, 100, 1000)
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
var csv = Path.Combine(folder, $"data-{megabytes}mb.csv");
if (!File.Exists(csv)) Generate(csv, megabytes * 1_000_000L);
var bytes = new FileInfo(csv).Length;

var options = Options.Create(new IngestionOptions { StoragePath = Path.Combine(folder, "store") });
var store = new ContentStore(options);
var before = Process.GetCurrentProcess().WorkingSet64;

var clock = Stopwatch.StartNew();
ContentStore.StagedContent staged;
await using (var input = File.OpenRead(csv)) staged = await store.StageAsync(input, long.MaxValue, CancellationToken.None);
var stageSeconds = clock.Elapsed.TotalSeconds;

clock.Restart();
var validator = new DatasetValidator(store, options.Value.MaxLineBytes, options.Value.MaxReportedProblems, options.Value.MaxCategoriesInSchema);
var result = await validator.ValidateAsync(new ValidationRequest(staged, null, null, "y", BadRowPolicy.Reject), CancellationToken.None);
var validateSeconds = clock.Elapsed.TotalSeconds;
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
    $"{mb,8:F0} MB  {result.Profile!.RowCount,11:N0} rows  stage {mb / stageSeconds,6:F0} MB/s  validate+profile {mb / validateSeconds,6:F1} MB/s ({validateSeconds:F1} s); record scan alone {mb / scanSeconds,6:F0} MB/s  working set at start {before / 1048576.0:F0} MiB, peak {peakMiB:F0} MiB"));

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
