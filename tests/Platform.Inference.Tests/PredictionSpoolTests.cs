using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Inference.Serving;
using Platform.ServiceDefaults.InProcess;
using Platform.Tests;
using static Platform.Inference.Tests.PredictionLogRetryTests;

namespace Platform.Inference.Tests;

/// <summary>
/// The prediction log's spool: what a process leaves unpublished is read back by the next one on the folder. A "restart"
/// here disposes the log without publishing: the unacknowledged segments stay, as after a kill.
/// </summary>
public sealed class PredictionSpoolTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Numeric = ["x", "y"];
    private static readonly string[] Categorical = ["colour"];
    private readonly SpoolFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private InferenceOptions Settings(long segmentBytes = 4096, long spoolBytes = 1 << 20) => new()
    {
        LogSpoolPath = _folder.Path, LogSpoolSegmentBytes = segmentBytes, LogSpoolBytes = spoolBytes, LogBufferRows = 1_000_000,
        LogBatchRows = 10, LogFlushInterval = TimeSpan.FromMilliseconds(20),
        LogRetryInitialDelay = TimeSpan.FromMilliseconds(20), LogRetryMaxDelay = TimeSpan.FromMilliseconds(50),
    };

    private static PredictionRecord[] Rows(int count, int first = 0) => Enumerable.Range(first, count).Select(i => new PredictionRecord("m", 3, Numeric, Categorical,
        new LoggedPrediction(Guid.NewGuid(), new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero).AddTicks(i), [i, i * 0.25], [i % 2 == 0 ? "red" : null],
            $"out-{i}", i % 2 == 0 ? 0.5 + i * 1e-3 : null, i % 3 == 0 ? [1] : null))).ToArray();

    private static List<LoggedRow> Drain(PredictionLog log)
    {
        var rows = new List<LoggedRow>();
        while (log.Reader.TryRead(out var row)) rows.Add(row);
        return rows;
    }

    private static List<Guid> Ids(IEnumerable<PredictionRecord> records) => records.Select(r => r.Prediction.PredictionId).ToList();

    [Fact]
    public void Rows_not_published_are_read_back_after_a_restart_field_for_field_in_write_order()
    {
        var writes = new[] { Rows(5), Rows(1, 5), Rows(40, 6) };
        using (var log = new PredictionLog(Options.Create(Settings())).Started())
            foreach (var write in writes) log.Write(write);

        using var restarted = new PredictionLog(Options.Create(Settings())).Started();
        var replayed = Drain(restarted).Select(r => r.Record).ToList();
        var written = writes.SelectMany(w => w).ToList();
        Assert.Equal(46, restarted.Replayed);
        Assert.Equal(Ids(written), Ids(replayed));
        foreach (var (before, after) in written.Zip(replayed))
        {
            Assert.Equal((before.Model, before.Version), (after.Model, after.Version));
            Assert.Equal(before.NumericFeatures, after.NumericFeatures);
            Assert.Equal(before.CategoricalFeatures, after.CategoricalFeatures);
            var (b, a) = (before.Prediction, after.Prediction);
            Assert.Equal((b.At, b.Output, b.Confidence), (a.At, a.Output, a.Confidence));
            Assert.Equal(b.Numeric, a.Numeric);
            Assert.Equal(b.Categorical, a.Categorical);
            Assert.Equal(b.MissingNumeric, a.MissingNumeric);
        }
    }

    [Fact]
    public void A_torn_record_is_skipped_and_the_records_around_it_are_kept()
    {
        var writes = new[] { Rows(3), Rows(3, 3), Rows(3, 6) };
        using (var log = new PredictionLog(Options.Create(Settings())).Started())
            foreach (var write in writes) log.Write(write);

        // The second record as a kill mid-copy leaves it: its frame written, its payload cut off after a few bytes.
        var path = Assert.Single(_folder.Segments());
        var bytes = File.ReadAllBytes(path);
        var buffer = new byte[1024];
        var first = SpoolSegment.FrameSize(SpoolRecord.Encode(writes[0], ref buffer));
        var second = SpoolSegment.FrameSize(SpoolRecord.Encode(writes[1], ref buffer));
        Array.Clear(bytes, (int)first + SpoolSegment.FrameHeader + 24, (int)second - SpoolSegment.FrameHeader - 24);
        File.WriteAllBytes(path, bytes);

        using var restarted = new PredictionLog(Options.Create(Settings())).Started();
        Assert.Equal(Ids(writes[0].Concat(writes[2])), Ids(Drain(restarted).Select(r => r.Record)));
        Assert.True(restarted.Spool!.Torn >= 1, "the torn record is counted");
    }

    [Fact]
    public void Replayed_rows_come_before_new_rows_and_a_second_restart_keeps_that_order()
    {
        // (The ids are taken before writing: the log's reader hands the rows over and clears the request's array.)
        var earlier = Enumerable.Range(0, 30).Select(i => Rows(4, i * 4)).ToList(); // several 4 KiB segments
        var later = Rows(7, 1000);
        var expected = Ids(earlier.SelectMany(w => w).Concat(later));
        using (var log = new PredictionLog(Options.Create(Settings())).Started())
            foreach (var write in earlier) log.Write(write);
        Assert.True(_folder.Segments().Length > 2);

        using (var restarted = new PredictionLog(Options.Create(Settings())).Started())
        {
            restarted.Write(later);
            Assert.Equal(expected, Ids(Drain(restarted).Select(r => r.Record)));
        }

        // Nothing was published: killed again, the next process finds both, oldest first.
        using var again = new PredictionLog(Options.Create(Settings())).Started();
        Assert.Equal(expected, Ids(Drain(again).Select(r => r.Record)));
    }

    [Fact]
    public void A_published_segment_file_is_emptied_and_reused_for_a_later_segment_and_its_old_rows_never_come_back()
    {
        // (Ids are taken before writing: the log's reader hands the rows over and clears the request's array.)
        var published = Enumerable.Range(0, 30).Select(i => Rows(4, i * 4)).ToList(); // several 4 KiB segments
        var publishedIds = Ids(published.SelectMany(w => w));
        var later = new List<Guid>();
        var spare = Path.Combine(_folder.Path, "spare");
        using (var log = new PredictionLog(Options.Create(Settings())).Started())
        {
            foreach (var write in published) log.Write(write);
            log.Acknowledge(Drain(log));

            // Every sealed segment is done: one file is kept out of the *.seg files for reuse; the one being written stays.
            Assert.Single(_folder.Segments());
            Assert.Equal(4096, new FileInfo(spare).Length);

            // Single rows until the next segment is the spare renamed, and one more: that file is then mostly its first
            // life's bytes, had they not been zeroed.
            for (var i = 0; i < 1000 && File.Exists(spare); i++) Write(log, Rows(1, 1000 + i), later);
            Assert.False(File.Exists(spare));
            Write(log, Rows(1, 5000), later);
        }

        // Stopped with the later rows unpublished: the next process reads the segments that hold them, the reused file
        // only with its second life. (The first of them was being written when the published rows were acknowledged: its
        // published rows come back too, as they would after a kill, and Monitoring takes each prediction id once.)
        using var restarted = new PredictionLog(Options.Create(Settings())).Started();
        var replayed = Ids(Drain(restarted).Select(r => r.Record));
        var before = replayed.Count - later.Count;
        Assert.Equal(later, replayed.Skip(before));
        Assert.Equal(publishedIds.TakeLast(before), replayed.Take(before));
        Assert.Equal(0, restarted.Spool!.Torn);

        static void Write(PredictionLog log, PredictionRecord[] rows, List<Guid> ids)
        {
            ids.AddRange(Ids(rows));
            log.Write(rows);
        }
    }

    [Fact]
    public void A_spare_left_by_a_killed_process_is_deleted_and_never_read_back()
    {
        var written = Rows(5);
        using (var log = new PredictionLog(Options.Create(Settings())).Started())
            log.Write(written);
        // Killed while a published segment was being emptied: its old records are still in the spare.
        File.Move(Assert.Single(_folder.Segments()), Path.Combine(_folder.Path, "spare"));

        using var restarted = new PredictionLog(Options.Create(Settings())).Started();
        Assert.Empty(Drain(restarted));
        Assert.False(File.Exists(Path.Combine(_folder.Path, "spare")));
    }

    [Fact]
    public async Task A_segment_is_deleted_once_the_broker_confirmed_every_row_in_it_and_not_before()
    {
        var options = Options.Create(Settings());
        using var log = new PredictionLog(options).Started();
        var bus = FlakyBus.Create(refusals: int.MaxValue);
        using var publisher = new PredictionLogPublisher(log, bus.Bus, options, NullLogger<PredictionLogPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);

        var written = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            var rows = Rows(4, i * 4);
            written.AddRange(Ids(rows));
            log.Write(rows);
        }

        var segments = _folder.Segments().Length;
        Assert.True(segments > 2);
        await Eventually.HoldsAsync(() => log.Reader.Count == 0 && bus.Refused >= 3, Timeout, "the publisher holding every row while the broker refuses");
        Assert.Equal(segments, _folder.Segments().Length); // held, not published: every segment kept

        bus.Recover();
        await Eventually.HoldsAsync(() => bus.Published.Sum(p => p.Predictions.Count) >= written.Count, Timeout, "every row published");
        await Eventually.HoldsAsync(() => _folder.Segments().Length == 1, Timeout, "the published segments deleted (the one being written stays)");
        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal(written, bus.Published.SelectMany(p => p.Predictions.Select(r => r.PredictionId)).ToList());
        log.Dispose();
        Assert.Empty(_folder.Segments()); // everything acknowledged: nothing left for a next start
    }

    [Fact]
    public async Task In_the_embedded_default_rows_are_kept_until_Monitoring_stored_them()
    {
        var options = Options.Create(Settings());
        var backlog = new InProcessBacklog();
        var bus = FlakyBus.Create(refusals: 0);
        var written = new List<Guid>();
        using (var log = new PredictionLog(options).Started())
        {
            using var publisher = new PredictionLogPublisher(log, bus.Bus, options, NullLogger<PredictionLogPublisher>.Instance, backlog);
            await publisher.StartAsync(CancellationToken.None);
            for (var i = 0; i < 30; i++)
            {
                var rows = Rows(4, i * 4);
                written.AddRange(Ids(rows));
                log.Write(rows);
            }

            // Taken (counted out of the queue to Monitoring) but not stored: a kill now would lose them in the in-memory bus.
            await Eventually.HoldsAsync(() =>
            {
                foreach (var batch in bus.Published) backlog.Taken(batch.BatchId);
                return bus.Published.Sum(p => p.Predictions.Count) == written.Count;
            }, Timeout, "every row published");
            Assert.True(_folder.Segments().Length > 2);
            await publisher.StopAsync(CancellationToken.None);
        }

        // The process ends before Monitoring stored them: the next one publishes them again; stored, they are gone.
        using var restarted = new PredictionLog(options).Started();
        Assert.Equal(written, Ids(Drain(restarted).Select(r => r.Record)));
        restarted.Dispose();

        bus = FlakyBus.Create(refusals: 0);
        using var third = new PredictionLog(options).Started();
        using var again = new PredictionLogPublisher(third, bus.Bus, options, NullLogger<PredictionLogPublisher>.Instance, backlog);
        await again.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() =>
        {
            foreach (var batch in bus.Published)
            {
                backlog.Taken(batch.BatchId);
                backlog.Stored(batch.BatchId);
            }

            return _folder.Segments().Length == 1;
        }, Timeout, "the stored rows' segments deleted");
        await again.StopAsync(CancellationToken.None);
        Assert.Equal(written, bus.Published.SelectMany(p => p.Predictions.Select(r => r.PredictionId)).ToList());
    }

    [Fact]
    public void A_full_spool_samples_above_half_and_drops_when_full_counting_every_row_and_takes_rows_again_once_published()
    {
        var settings = Settings(segmentBytes: 4096, spoolBytes: 4 * 4096);
        settings.LogSampleEvery = 10;
        using var log = new PredictionLog(Options.Create(settings)).Started();
        var offered = 3000;
        var sampled = 0;
        for (var i = 0; i < offered; i++)
        {
            if (log.ShouldLog()) log.Write(Rows(1, i));
            else sampled++;
        }

        var kept = Drain(log);
        Assert.True(sampled > 0, "above half of the spool, rows are sampled");
        Assert.True(kept.Count < offered - sampled, "at the bound, rows are dropped");
        Assert.Equal(offered - kept.Count, log.TakeDropped()); // every row not kept is counted
        Assert.True(log.Spool!.Segments <= 4);

        // Published (acknowledged): the segments go, and new rows are taken again.
        log.Acknowledge(kept);
        Assert.Equal(0, log.Spool.Segments);
        log.Write(Rows(1));
        Assert.Equal(1, log.Reader.Count);
        Assert.Equal(0, log.TakeDropped());
    }

    [Fact]
    public async Task Rows_a_stopped_process_still_held_are_published_by_the_next_exactly_once()
    {
        var options = Options.Create(Settings());
        var written = new List<Guid>();
        using (var log = new PredictionLog(options).Started())
        {
            var down = FlakyBus.Create(refusals: int.MaxValue);
            using var publisher = new PredictionLogPublisher(log, down.Bus, options, NullLogger<PredictionLogPublisher>.Instance);
            await publisher.StartAsync(CancellationToken.None);
            for (var i = 0; i < 20; i++)
            {
                var rows = Rows(3, i * 3);
                written.AddRange(Ids(rows));
                log.Write(rows);
            }

            await Eventually.HoldsAsync(() => down.Refused >= 2, Timeout, "the broker refusing");
            await publisher.StopAsync(CancellationToken.None);
        }

        using var restarted = new PredictionLog(options).Started();
        var bus = FlakyBus.Create(refusals: 0);
        using var next = new PredictionLogPublisher(restarted, bus.Bus, options, NullLogger<PredictionLogPublisher>.Instance);
        await next.StartAsync(CancellationToken.None);
        restarted.Write(Rows(2, 500));
        await Eventually.HoldsAsync(() => bus.Published.Sum(p => p.Predictions.Count) >= written.Count + 2, Timeout, "the earlier rows and the new ones published");
        await next.StopAsync(CancellationToken.None);

        var published = bus.Published.SelectMany(p => p.Predictions.Select(r => r.PredictionId)).ToList();
        Assert.Equal(written, published.Take(written.Count)); // the earlier process's rows first, each once
        Assert.Equal(written.Count + 2, published.Distinct().Count());
        Assert.Equal(written.Count + 2, published.Count);
    }

    [Fact]
    public void Two_replicas_never_share_a_spool()
    {
        using var log = new PredictionLog(Options.Create(Settings())).Started();
        var refused = Assert.Throws<InvalidOperationException>(() => new PredictionLog(Options.Create(Settings())).Started());
        Assert.Contains("Inference:LogSpoolPath", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Making_the_log_touches_no_file_starting_it_opens_the_spool_and_replays_and_a_write_before_start_is_refused()
    {
        using (var unopened = new PredictionLog(Options.Create(Settings())))
        {
            Assert.False(Directory.Exists(_folder.Path));
            Assert.Null(unopened.Spool);
            // Answered without its journal entry, a row would not survive a kill: it is refused instead.
            Assert.Throws<InvalidOperationException>(() => unopened.Write(Rows(1)));
        }

        // A process that left two rows unpublished; the next one reads them back only once started.
        using (var earlier = new PredictionLog(Options.Create(Settings())).Started()) earlier.Write(Rows(2));
        using var log = new PredictionLog(Options.Create(Settings()));
        Assert.Equal(0, log.Replayed);
        Assert.False(log.Reader.TryRead(out _));

        log.Started();
        Assert.NotNull(log.Spool);
        Assert.Equal(2, log.Replayed);
        Assert.Equal(2, Drain(log).Count);
    }
}
