using System.Net;
using System.Text;
using Platform.Contracts;

namespace Platform.Ingestion.Tests;

/// <summary>
/// Every file of the malformed corpus, over HTTP and over the bus: each gets a precise rejection (code, and the column
/// and row where there is one), the service keeps answering, and nothing is left behind in the database or the store.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class MalformedCorpusTests(IngestionFixture fixture)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    [Fact]
    public void The_corpus_has_at_least_thirty_files() => Assert.True(MalformedCorpus.All.Count >= 30);

    [Fact]
    public async Task Every_malformed_file_over_http_gets_a_precise_problem_and_stores_nothing()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var baseName = $"corpus-http-base-{fixture.RunId}";
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(baseName, Encoding.UTF8.GetBytes(MalformedCorpus.BaseCsv))).Status);
        var objectsBefore = fixture.Host.StoreFiles().Objects;

        var failures = new List<string>();
        var names = new List<string>();
        for (var i = 0; i < MalformedCorpus.All.Count; i++)
        {
            var c = MalformedCorpus.All[i];
            var name = c.DatasetName ?? (c.OnBase ? baseName : $"corpus-http-{i}-{fixture.RunId}");
            names.Add(name);
            var answer = await client.UploadAsync(name, c.Bytes, c.Target, c.Task, c.Append);
            if (answer.Status != HttpStatusCode.BadRequest || answer.ContentType != "application/problem+json" || !answer.HasProblem(c.Code, c.Column, c.Row))
                failures.Add($"{c.Name}: expected 400 {c.Code} (column {c.Column}, row {c.Row}), got {answer}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await AssertNothingStoredAsync(names, baseName, objectsBefore);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task Every_malformed_file_over_the_bus_gets_a_precise_rejection_and_stores_nothing()
    {
        await using var files = await ClaimCheckServer.StartAsync();
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var baseName = $"corpus-bus-base-{fixture.RunId}";
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(baseName, Encoding.UTF8.GetBytes(MalformedCorpus.BaseCsv))).Status);
        var objectsBefore = fixture.Host.StoreFiles().Objects;

        var failures = new List<string>();
        var names = new List<string>();
        for (var i = 0; i < MalformedCorpus.All.Count; i++)
        {
            var c = MalformedCorpus.All[i];
            var name = c.DatasetName ?? (c.OnBase ? baseName : $"corpus-bus-{i}-{fixture.RunId}");
            names.Add(name);
            // Text that is UTF-8 travels inline; bytes that are not cannot be a message string, so they go as a claim check.
            var inline = TryDecode(c.Bytes);
            var message = new SubmitDataset(Guid.NewGuid(), name, c.Target, c.Task, inline, inline is null ? files.Serve(c.Bytes) : null, c.Append);
            var answer = await fixture.Producer.SubmitAsync(message, TimeSpan.FromSeconds(60));
            var rejected = answer.Rejected;
            if (rejected is null || rejected.CorrelationId != message.CorrelationId ||
                !rejected.Reasons.Any(r => r.Code == c.Code && (c.Column is null || r.Column == c.Column) && (c.Row is null || r.Row == c.Row)))
                failures.Add($"{c.Name}: expected {c.Code} (column {c.Column}, row {c.Row}), got {(rejected is null ? "accepted" : string.Join("; ", rejected.Reasons))}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await AssertNothingStoredAsync(names, baseName, objectsBefore);
    }

    [Fact]
    public async Task A_file_with_many_bad_rows_lists_the_first_hundred_with_rows_and_counts_them_all()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var ragged = MalformedCorpus.All.Single(c => c.Name == "a hundred and fifty ragged rows");
        var answer = await client.UploadAsync($"ragged-{fixture.RunId}", ragged.Bytes);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(150, (long)answer.Body!["totalProblems"]!);
        Assert.Equal(100, answer.Problems.Count);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), answer.Problems.Select(p => (long)p["row"]!));
        Assert.Equal(Enumerable.Range(2, 100).Select(i => (long)i), answer.Problems.Select(p => (long)p["line"]!));
    }

    private async Task AssertNothingStoredAsync(List<string> names, string baseName, int objectsBefore)
    {
        foreach (var name in names.Distinct())
            Assert.Equal(name == baseName ? 1 : 0, await fixture.Host.VersionCountAsync(name));
        var (objects, staged) = fixture.Host.StoreFiles();
        Assert.Equal(objectsBefore, objects);
        Assert.Equal(0, staged);
    }

    private static string? TryDecode(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
