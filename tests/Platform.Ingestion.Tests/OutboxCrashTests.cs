using Platform.Tests;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Ingestion.Tests;

/// <summary>The version row and its DatasetUploaded are committed together: a process that dies before publishing publishes after its restart, once.</summary>
[Collection(IngestionCollection.Name)]
public sealed class OutboxCrashTests(IngestionFixture fixture)
{
    [Fact]
    public async Task DatasetUploaded_goes_out_exactly_once_after_a_crash_between_the_commit_and_the_publish()
    {
        var name = $"crash-{fixture.RunId}";
        var storage = Path.Combine(Path.GetTempPath(), $"platform-ingestion-crash-{fixture.RunId}");

        // 1. A host whose broker is unreachable (a closed port): the upload commits, the dispatcher cannot publish.
        IngestionHost first;
        await using (first = await IngestionHost.StartAsync(fixture.Infrastructure, storagePath: storage, rabbitUri: $"amqp://guest:guest@127.0.0.1:{LoopbackPorts.Free()}/"))
        {
            using var client = first.Client();
            var upload = await client.UploadAsync(name, Encoding.UTF8.GetBytes(MalformedCorpus.BaseCsv));
            Assert.Equal(HttpStatusCode.Created, upload.Status);
            var pending = await first.WithDbAsync(db => db.Set<OutboxMessage>().Where(m => m.DispatchedAt == null).ToListAsync());
            Assert.Single(pending, m => m.MessageType == typeof(DatasetUploaded).FullName && m.Payload.Contains(name, StringComparison.Ordinal));
        } // 2. The process goes away with the event unpublished.

        Assert.DoesNotContain(fixture.Received.OfType<DatasetUploaded>(), e => e.DatasetName == name);

        // 3. A new process on the same database and store, with the broker back: the dispatcher publishes the pending row.
        await using var second = await IngestionHost.StartAsync(fixture.Infrastructure, database: first.Database, storagePath: storage);
        var uploaded = await fixture.WaitForAsync<DatasetUploaded>(e => e.DatasetName == name);
        Assert.Equal(1, uploaded.Version);
        for (var i = 0; i < 300 && await second.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.DispatchedAt == null)); i++) await Task.Delay(100);
        Assert.False(await second.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.DispatchedAt == null)));

        // Marked dispatched after the broker confirmed: no second publish can follow; exactly one arrived.
        Assert.Single(fixture.Received.OfType<DatasetUploaded>(), e => e.DatasetName == name);
        Assert.Equal(1, await second.VersionCountAsync(name));
        await second.StopAsync();
        IngestionHost.DeleteFolder(storage);
    }

}
