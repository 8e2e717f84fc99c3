using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Producer;
using Platform.ServiceDefaults.Outbox;
using Platform.Tests;

namespace Platform.Ingestion.Tests;

/// <summary>Submissions that succeed, over HTTP and the bus: versions, appends, schema versions, idempotency, profiles, drift, limits, keys.</summary>
[Collection(IngestionCollection.Name)]
public sealed class IngestionBehaviourTests(IngestionFixture fixture)
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Upload_stores_a_version_with_its_profile_and_publishes_DatasetUploaded()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"diabetes-{fixture.RunId}";
        var answer = await client.UploadAsync(name, await File.ReadAllBytesAsync(SharedData.PathOf("diabetes_train.csv")), "target", "regression");
        Assert.Equal(HttpStatusCode.Created, answer.Status);

        var uploaded = await fixture.WaitForAsync<DatasetUploaded>(e => e.DatasetName == name);
        using var operatorClient = fixture.Host.Client(IngestionFixture.OperatorKey);
        var profile = await operatorClient.GetAsync($"datasets/{name}/versions/1/profile", json: true);
        Assert.Equal(HttpStatusCode.OK, profile.Status);
        Assert.Equal(uploaded.RowCount, (long)profile.Body!["rowCount"]!);
        Assert.Equal(11, profile.Body["columns"]!.AsArray().Count);
        var bmi = profile.Body["columns"]!.AsArray().Single(c => (string?)c!["name"] == "bmi")!;
        Assert.Equal("numeric", (string?)bmi["kind"]);
        Assert.NotNull(bmi["quantiles"]);
    }

    [Fact]
    public async Task Resubmitting_the_same_bytes_returns_the_same_version_and_publishes_one_event()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"idempotent-{fixture.RunId}";
        var first = await client.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv));
        var second = await client.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv));
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal((int)first.Body!["version"]!, (int)second.Body!["version"]!);
        Assert.Equal(1, await fixture.Host.VersionCountAsync(name));

        // One outbox row for the dataset, dispatched: there is nothing else that could publish a second event.
        await WaitUntilAsync(async () => (await OutboxRowsAsync(name)).All(r => r.DispatchedAt is not null), "the outbox row to be dispatched");
        Assert.Single(await OutboxRowsAsync(name));
        await fixture.WaitForAsync<DatasetUploaded>(e => e.DatasetName == name);
        Assert.Single(fixture.Received.OfType<DatasetUploaded>(), e => e.DatasetName == name);
    }

    [Fact]
    public async Task Append_builds_the_next_version_from_the_previous_rows_plus_the_batch()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"daily-{fixture.RunId}";
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv))).Status);

        var batch = Bytes("x,z,y\n13.5,red,130\n14.5,purple,140\n");
        var appended = await client.UploadAsync(name, batch, target: null, append: true);
        Assert.Equal(HttpStatusCode.Created, appended.Status);
        Assert.Equal(2, (int)appended.Body!["version"]!);
        Assert.Equal(14, (long)appended.Body["rowCount"]!);
        Assert.Equal(1, (int)appended.Body["appendedTo"]!);
        Assert.Contains("purple", appended.Body["columns"]!.AsArray().Single(c => (string?)c!["name"] == "z")!["categories"]!.AsArray().Select(v => (string?)v));

        using var operatorClient = fixture.Host.Client(IngestionFixture.OperatorKey);
        using var content = await operatorClient.GetAsync($"datasets/{name}/versions/2/content");
        var lines = (await content.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(MalformedCorpus.BaseCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Concat(["13.5,red,130", "14.5,purple,140"]), lines);

        // The same batch again is the same version, not a third one.
        var again = await client.UploadAsync(name, batch, target: null, append: true);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(2, (int)again.Body!["version"]!);
        Assert.Equal(2, await fixture.Host.VersionCountAsync(name));
    }

    [Fact]
    public async Task A_schema_change_is_rejected_with_a_diff_unless_a_new_schema_version_is_asked_for()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"evolving-{fixture.RunId}";
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv))).Status);

        var changed = Bytes("x,w,y\n1,5,10\n2,6,20\n3,7,30\n");
        var rejected = await client.UploadAsync(name, changed);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.True(rejected.HasProblem("schema-mismatch", "z", 0), rejected.ToString());
        Assert.True(rejected.HasProblem("schema-mismatch", "w", 0), rejected.ToString());

        var evolved = await client.UploadAsync(name, changed, newSchema: true);
        Assert.Equal(HttpStatusCode.Created, evolved.Status);
        Assert.Equal(2, (int)evolved.Body!["schemaVersion"]!);

        // The new contract holds from now on: the new columns pass, the old ones are the mismatch.
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(name, Bytes("x,w,y\n1,5,11\n2,6,21\n3,7,31\n"))).Status);
        var old = await client.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv.Replace("red", "RED", StringComparison.Ordinal)));
        Assert.True(old.HasProblem("schema-mismatch", "w", 0), old.ToString());
    }

    [Fact]
    public async Task Comparing_two_versions_reports_the_column_that_drifted()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"shifting-{fixture.RunId}";
        string Csv(double shift) => "x,u,y\n" + string.Concat(Enumerable.Range(0, 600).Select(i => FormattableString.Invariant($"{i % 60 + shift},{i % 7},{i % 50}\n")));
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(name, Bytes(Csv(0)))).Status);
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(name, Bytes(Csv(100)))).Status);

        using var operatorClient = fixture.Host.Client(IngestionFixture.OperatorKey);
        var comparison = await operatorClient.GetAsync($"datasets/{name}/versions/1/compare/2", json: true);
        Assert.Equal(HttpStatusCode.OK, comparison.Status);
        var columns = comparison.Body!["report"]!["columns"]!.AsArray();
        Assert.True((bool)columns.Single(c => (string?)c!["column"] == "x")!["drifted"]!);
        Assert.False((bool)columns.Single(c => (string?)c!["column"] == "u")!["drifted"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync($"datasets/{name}/versions/1/compare/9", json: true)).Status);
    }

    [Fact]
    public async Task An_upload_over_the_configured_maximum_is_413_and_stores_nothing()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"huge-{fixture.RunId}";
        var big = Bytes("x,y\n" + string.Concat(Enumerable.Repeat("1234567,1\n", 300_000))); // 3 MB > the fixture's 2 MiB

        var declared = await client.UploadAsync(name, big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.Status);
        Assert.True(declared.HasProblem("too-large"), declared.ToString());

        // Without a Content-Length the limit is enforced while streaming.
        using var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"datasets/{name}?target=y") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        Assert.Equal(0, await fixture.Host.VersionCountAsync(name));
        Assert.Equal(0, fixture.Host.StoreFiles().Staged);
    }

    [Fact]
    public async Task Submitting_needs_a_producer_key_over_http_and_on_the_bus()
    {
        var name = $"keyed-{fixture.RunId}";
        using (var anonymous = fixture.Host.Client())
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv))).Status);
        using (var consumer = fixture.Host.Client(IngestionFixture.ConsumerKey))
            Assert.Equal(HttpStatusCode.Forbidden, (await consumer.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv))).Status);
        using (var anonymous = fixture.Host.Client())
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("datasets")).StatusCode); // metadata needs a key too
        using (var consumer = fixture.Host.Client(IngestionFixture.ConsumerKey))
            Assert.Equal(HttpStatusCode.OK, (await consumer.GetAsync("datasets")).StatusCode); // any role reads metadata
        Assert.Equal(0, await fixture.Host.VersionCountAsync(name));

        var queue = new Uri($"queue:{fixture.Host.SubmitQueue}");
        foreach (var key in new[] { null, IngestionFixture.ConsumerKey })
        {
            await using var producer = await DatasetPublisher.ConnectAsync(new Uri(fixture.Infrastructure.RabbitUri), key, destination: queue);
            var answer = await producer.SubmitAsync(new SubmitDataset(Guid.NewGuid(), name, "y", null, MalformedCorpus.BaseCsv, null), TimeSpan.FromSeconds(60));
            Assert.Equal("unauthorized", Assert.Single(answer.Rejected!.Reasons).Code);
        }

        Assert.Equal(0, await fixture.Host.VersionCountAsync(name));
    }

    [Fact]
    public async Task A_bus_submission_is_answered_inline_by_claim_check_and_fire_and_forget()
    {
        await using var files = await ClaimCheckServer.StartAsync();
        var name = $"bus-{fixture.RunId}";

        // Request/response, rows inline.
        var inline = new SubmitDataset(Guid.NewGuid(), name, "y", "regression", MalformedCorpus.BaseCsv, null);
        var first = await fixture.Producer.SubmitAsync(inline, TimeSpan.FromSeconds(60));
        Assert.NotNull(first.Accepted);
        Assert.Equal((inline.CorrelationId, 1, 12L, true), (first.Accepted.CorrelationId, first.Accepted.Version, first.Accepted.RowCount, first.Accepted.Created));
        var uploaded = await fixture.WaitForAsync<DatasetUploaded>(e => e.DatasetName == name && e.Version == 1);
        Assert.Equal(first.Accepted.Sha256, uploaded.Sha256);

        // The same submission again (a producer retrying after a timeout): the same version, nothing new stored.
        var repeated = await fixture.Producer.SubmitAsync(inline, TimeSpan.FromSeconds(60));
        Assert.Equal((1, false), (repeated.Accepted!.Version, repeated.Accepted.Created));

        // A claim check: Ingestion downloads the rows.
        var byReference = new SubmitDataset(Guid.NewGuid(), name, null, null, null, files.Serve(Bytes("x,z,y\n1,red,5\n2,blue,6\n3,red,7\n")));
        var second = await fixture.Producer.SubmitAsync(byReference, TimeSpan.FromSeconds(60));
        Assert.Equal(2, second.Accepted!.Version);

        // Fire and forget: the answer is published, correlated by the id.
        var id = await fixture.Producer.PublishAsync(new DatasetSubmission(name, WriteTemp("x,z,y\n9,red,1\n"), null, Append: true));
        var accepted = await fixture.WaitForAsync<DatasetAccepted>(a => a.CorrelationId == id);
        Assert.Equal((3, 4L), (accepted.Version, accepted.RowCount));
        Assert.Equal(3, await fixture.Host.VersionCountAsync(name));
    }

    [Fact]
    public async Task Labelled_rows_from_Monitoring_become_a_feedback_version_and_an_upload_stays_an_upload()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"feedback-{fixture.RunId}";
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(name, Bytes(MalformedCorpus.BaseCsv), "y", "regression")).Status);

        // What Monitoring's LabelledRowSubmitter sends: an append of labelled live rows, marked as feedback.
        var labelled = new SubmitDataset(Guid.NewGuid(), name, null, null, "x,z,y\n13.5,red,130\n14.5,blue,140\n", null, Append: true,
            Source: DatasetSources.Feedback, Lineage: new DatasetLineage("feedback-submission/test", 2));
        Assert.Equal(2, (await fixture.Producer.SubmitAsync(labelled, TimeSpan.FromSeconds(60))).Accepted!.Version);
        var uploaded = await fixture.WaitForAsync<DatasetUploaded>(e => e.DatasetName == name && e.Version == 2);
        Assert.Equal(DatasetSources.Feedback, uploaded.Source);

        using var reader = fixture.Host.Client(IngestionFixture.OperatorKey);
        var first = await reader.GetAsync($"datasets/{name}/versions/1", json: true);
        var second = await reader.GetAsync($"datasets/{name}/versions/2", json: true);
        Assert.Equal(("upload", "feedback"), ((string?)first.Body!["source"], (string?)second.Body!["source"]));
        var stored = await fixture.Host.WithDbAsync(db => db.DatasetVersions.AsNoTracking().Where(v => v.DatasetName == name)
            .OrderBy(v => v.Version).Select(v => v.Source).ToListAsync());
        Assert.Equal([DatasetSource.Upload, DatasetSource.Feedback], stored);
    }

    [Fact]
    public async Task The_drop_policy_stores_the_good_rows_and_counts_the_dropped_ones()
    {
        await using var host = await IngestionHost.StartAsync(fixture.Infrastructure, new Dictionary<string, string?> { ["Ingestion:BadRows"] = "DropBadRows" });
        using var client = host.Client();
        var name = $"lenient-{fixture.RunId}";
        var answer = await client.UploadAsync(name, Bytes("x,z,y\n1,a,10\n2,b\n3,c,30\n4,d,\n5,e,50\n"));
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal((3L, 2L), ((long)answer.Body!["rowCount"]!, (long)answer.Body["droppedRows"]!));
        using var content = await client.GetAsync($"datasets/{name}/versions/1/content");
        Assert.Equal("x,z,y\n1,a,10\n3,c,30\n5,e,50\n", await content.Content.ReadAsStringAsync());

        // Nothing left is still a rejection.
        var none = await client.UploadAsync($"{name}-none", Bytes("x,z,y\n1,a\n2,b\n"));
        Assert.True(none.HasProblem("no-rows"), none.ToString());
    }

    [Fact]
    public async Task A_mostly_numeric_first_version_is_numeric_and_the_drop_policy_drops_the_rows_with_stray_words()
    {
        var csv = "x,z,y\n" + string.Concat(Enumerable.Range(1, 40).Select(i => i switch
        {
            7 => "seven,a,7\n",
            23 => "n.a.,b,23\n",
            _ => $"{i}.5,{(i % 2 == 0 ? "a" : "b")},{i}\n",
        }));
        await using var host = await IngestionHost.StartAsync(fixture.Infrastructure, new Dictionary<string, string?> { ["Ingestion:BadRows"] = "DropBadRows" });
        using var client = host.Client();
        var name = $"stray-{fixture.RunId}";

        var answer = await client.UploadAsync(name, Bytes(csv));

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal((38L, 2L), ((long)answer.Body!["rowCount"]!, (long)answer.Body["droppedRows"]!));
        var x = answer.Body["columns"]!.AsArray().Single(c => (string?)c!["name"] == "x")!;
        Assert.Equal("numeric", (string?)x["kind"]);
        using var content = await client.GetAsync($"datasets/{name}/versions/1/content");
        var stored = await content.Content.ReadAsStringAsync();
        Assert.DoesNotContain("seven", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("n.a.", stored, StringComparison.Ordinal);
        Assert.Contains("8.5,a,8\n", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_with_many_words_among_numbers_stays_categorical()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        // 3 words in 20 values: 85% numbers, below the 95% rule: a categorical column, accepted as before.
        var csv = "code,y\n" + string.Concat(Enumerable.Range(1, 20).Select(i => $"{(i % 7 == 0 ? "K" + i : i.ToString(System.Globalization.CultureInfo.InvariantCulture))},{i}\n"));

        var answer = await client.UploadAsync($"codes-{fixture.RunId}", Bytes(csv));

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        var code = answer.Body!["columns"]!.AsArray().Single(c => (string?)c!["name"] == "code")!;
        Assert.Equal("categorical", (string?)code["kind"]);
    }

    [Fact]
    public async Task Kinds_set_by_the_uploader_replace_the_inferred_ones_and_are_recorded_in_the_schema()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        // A numeric-looking region code and a mostly numeric column: inferred, both would be numeric.
        var csv = "region,dose,y\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"{i % 4 + 1},{(i == 7 ? "high" : (i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture))},{i}\n"));

        var answer = await client.UploadAsync($"kinds-{fixture.RunId}", Bytes(csv), kinds: "region:categorical,dose:categorical");

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        var columns = answer.Body!["columns"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!);
        Assert.Equal("categorical", (string?)columns["region"]["kind"]);
        Assert.Equal(["1", "2", "3", "4"], columns["region"]["categories"]!.AsArray().Select(c => (string)c!).Order(StringComparer.Ordinal));
        Assert.Equal("categorical", (string?)columns["dose"]["kind"]);
        Assert.Equal("numeric", (string?)columns["y"]["kind"]);
    }

    [Fact]
    public async Task A_kind_forced_numeric_reports_the_values_that_are_not_numbers()
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var csv = "size,y\nsmall,1\n2,2\n3,3\n";

        var answer = await client.UploadAsync($"kinds-numeric-{fixture.RunId}", Bytes(csv), kinds: "size:numeric");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.True(answer.HasProblem("not-a-number", "size", row: 1), answer.ToString());
    }

    [Theory]
    [InlineData("region", "not column:kind")]
    [InlineData("region:text", "not column:kind")]
    [InlineData("region:categorical,region:numeric", "twice")]
    [InlineData("colour:categorical", "does not have")]
    public async Task Bad_kinds_are_refused_with_problem_details_and_store_nothing(string kinds, string says)
    {
        using var client = fixture.Host.Client(IngestionFixture.ProducerKey);
        var name = $"kinds-bad-{fixture.RunId}-{Math.Abs(kinds.GetHashCode(StringComparison.Ordinal))}";

        var answer = await client.UploadAsync(name, Bytes("region,y\n1,1\n2,2\n"), kinds: kinds);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains(says, answer.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"datasets/{name}", json: true)).Status);
    }

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ingestion-test-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private Task<List<OutboxMessage>> OutboxRowsAsync(string dataset) => fixture.Host.WithDbAsync(db =>
        db.Set<OutboxMessage>().Where(m => m.Payload.Contains("\"" + dataset + "\"")).ToListAsync());

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"Gave up waiting for {what}.");
    }
}
