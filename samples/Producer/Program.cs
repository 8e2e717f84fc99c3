// A producer in a few lines: publish a CSV to Ingestion over RabbitMQ and wait for its answer.
//
//   dotnet run --project samples/Producer -- <amqp://user:pass@host:port/> <dataset> <file.csv|http(s)://...> <target> [task] [--append]
//
// A file up to 1 MiB travels inline; larger data goes as an http(s) address Ingestion downloads (a claim check).
using Platform.Producer;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Producer <broker-uri> <dataset> <file.csv|url> <target> [task] [--append] [--new-schema]");
    return 2;
}

var options = args.Skip(4).ToList();
var submission = new DatasetSubmission(
    Name: args[1], Data: args[2], Target: args[3],
    Task: options.FirstOrDefault(o => !o.StartsWith("--", StringComparison.Ordinal)),
    Append: options.Contains("--append"), NewSchema: options.Contains("--new-schema"));

await using var publisher = await DatasetPublisher.ConnectAsync(new Uri(args[0]), Environment.GetEnvironmentVariable("PLATFORM_API_KEY"));
var answer = await publisher.SubmitAsync(submission, TimeSpan.FromMinutes(5));
if (answer.Accepted is { } accepted)
{
    Console.WriteLine($"accepted: {accepted.DatasetName} v{accepted.Version} ({accepted.RowCount} rows, sha256 {accepted.Sha256}{(accepted.Created ? "" : ", already stored")})");
    return 0;
}

var rejected = answer.Rejected!;
Console.WriteLine($"rejected: {rejected.TotalProblems} problem(s)");
foreach (var reason in rejected.Reasons) Console.WriteLine($"  [{reason.Code}] {reason.Message}");
return 1;
