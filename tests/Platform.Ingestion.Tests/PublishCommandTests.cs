using System.Globalization;
using System.Text.Json;
using Platform.Cli;
using Platform.Contracts;

namespace Platform.Ingestion.Tests;

/// <summary><c>platform publish</c> against the real broker and an Ingestion consuming from it.</summary>
[Collection(IngestionCollection.Name)]
public sealed class PublishCommandTests(IngestionFixture fixture)
{
    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Publish_sends_a_csv_on_the_bus_and_prints_the_answer()
    {
        var name = $"cli-{fixture.RunId}";
        var path = Path.Combine(Path.GetTempPath(), $"{name}.csv");
        await File.WriteAllTextAsync(path, MalformedCorpus.BaseCsv);

        // The CLI publishes (no queue of its own): the fixture's Ingestion consumes SubmitDataset from the exchange too.
        var (exit, stdout, stderr) = await Task.Run(() => Run("publish", "--name", name, "--data", path, "--target", "y",
            "--broker", fixture.Infrastructure.RabbitUri, "--api-key", IngestionFixture.ProducerKey, "--timeout", "60"));
        Assert.True(exit == 0, $"exit {exit}: {stdout} {stderr}");
        var accepted = JsonSerializer.Deserialize<DatasetAccepted>(stdout, JsonSerializerOptions.Web)!;
        Assert.Equal((name, 1, 12L), (accepted.DatasetName, accepted.Version, accepted.RowCount));
        await fixture.WaitForAsync<DatasetUploaded>(e => e.DatasetName == name);
    }

    [Fact]
    public async Task Publish_prints_the_rejection_and_exits_with_bad_input()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cli-bad-{fixture.RunId}.csv");
        await File.WriteAllTextAsync(path, "x,z,y\n1,a,2\n3,b\n");
        var (exit, stdout, stderr) = await Task.Run(() => Run("publish", "--name", $"cli-bad-{fixture.RunId}", "--data", path, "--target", "y",
            "--broker", fixture.Infrastructure.RabbitUri, "--api-key", IngestionFixture.ProducerKey, "--timeout", "60"));
        Assert.Equal(2, exit);
        var rejected = JsonSerializer.Deserialize<DatasetRejected>(stdout, JsonSerializerOptions.Web)!;
        Assert.Equal(("field-count", 2L), (rejected.Reasons[0].Code, rejected.Reasons[0].Row!.Value));
        Assert.Contains("rejected", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_refuses_a_file_over_the_inline_limit_before_connecting()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cli-big-{fixture.RunId}.csv");
        await File.WriteAllTextAsync(path, "x,y\n" + string.Concat(Enumerable.Repeat("123456789,1\n", 100_000)));
        var (exit, _, stderr) = Run("publish", "--name", "big", "--data", path, "--target", "y", "--broker", "amqp://nobody:none@127.0.0.1:1/");
        Assert.Equal(2, exit);
        Assert.Contains("claim check", stderr, StringComparison.Ordinal);
    }
}
