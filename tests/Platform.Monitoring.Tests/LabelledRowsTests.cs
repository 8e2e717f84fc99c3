using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Monitoring.Model;

namespace Platform.Monitoring.Tests;

/// <summary>Feedback joined with logged inputs becomes labelled rows, submitted to Ingestion by Monitoring's rules.</summary>
public sealed class LabelledRowsTests
{
    private static MonitoringOptions Options() => new()
    {
        WindowRows = 10_000,
        MinWindowRows = 5000,
        QualityWindowRows = 10_000,
        LabelledBatchRows = 250,
        LabelledBatchMaxAge = TimeSpan.FromMinutes(1),
    };

    [Fact]
    public async Task Labelled_rows_are_submitted_as_an_appended_feedback_version_with_lineage_to_the_predictions()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        var ids = await harness.LogAsync(1, 300, output: _ => "0");

        var counts = await harness.FeedbackAsync(ids.Take(260).Select((id, i) => (id, (i * 0.5).ToString(CultureInfo.InvariantCulture))));

        Assert.Equal(new FeedbackCounts(260, 0, 0, 0, 0), counts);
        var submission = Assert.Single(harness.Submissions());
        Assert.True(submission.Append);
        Assert.Equal(DatasetSources.Feedback, submission.Source);
        Assert.Equal("synthetic", submission.DatasetName);
        var lines = submission.Csv!.TrimEnd('\n').Split('\n');
        Assert.Equal("x1,x2,x3,target", lines[0]);
        Assert.Equal(261, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Equal(4, line.Split(',').Length));

        // Each row is the prediction's logged inputs with the actual value sent for it.
        var stored = await harness.QueryAsync(db => db.Submissions.SingleAsync());
        Assert.Equal(submission.CorrelationId, stored.Id);
        Assert.Equal(SubmissionStatus.Pending, stored.Status);
        Assert.Equal(ids.Take(260).ToHashSet(), stored.PredictionIds.ToHashSet());
        Assert.Equal(260, submission.Lineage!.Rows);
        Assert.Contains(stored.Id.ToString(), submission.Lineage.Reference);
        var first = await harness.QueryAsync(db => db.Outputs.SingleAsync(o => o.PredictionId == stored.PredictionIds[0]));
        var row = lines[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(first.Numeric, row[..3]);

        // Ingestion answers; 40 more rows wait for the batch's age, then go as the next submission.
        await harness.AnswerAsync(stored.Id, 2);
        await harness.FeedbackAsync(ids.Skip(260).Select(id => (id, "1")));
        Assert.Single(harness.Submissions());
        harness.Clock.Advance(TimeSpan.FromMinutes(2));
        await harness.SweepAsync();
        Assert.Equal(2, harness.Submissions().Count);
        Assert.Equal(40, harness.Submissions()[1].Lineage!.Rows);
        Assert.Equal(2, (await harness.QueryAsync(db => db.Submissions.SingleAsync(s => s.Id == stored.Id))).DatasetVersion);
    }

    [Fact]
    public async Task Unknown_repeated_and_wrong_typed_feedback_is_counted_and_never_becomes_a_training_row()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        var ids = await harness.LogAsync(1, 5, output: _ => "0");
        var unknown = Guid.NewGuid();

        var counts = await harness.FeedbackAsync(
            [.. ids.Take(4).Select(id => (id, "7")), (ids[4], "not a number"), (ids[0], "8"), (unknown, "9")], "app", FeedbackTrust.Consumer);

        // 4 rows and the pending one accepted; the label for a regression refused; the repeat within the request a duplicate.
        Assert.Equal(new FeedbackCounts(5, 1, 0, 1, 1), counts);
        harness.Clock.Advance(TimeSpan.FromMinutes(2));
        await harness.SweepAsync();
        var rows = Assert.Single(harness.Submissions()).Csv!.TrimEnd('\n').Split('\n').Skip(1).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.EndsWith(",7", r));
        Assert.False(await harness.QueryAsync(db => db.Feedback.AnyAsync(f => f.PredictionId == ids[4])));
    }

    [Fact]
    public async Task A_labeler_replaces_a_consumers_answer_until_the_row_is_training_data_and_the_sender_is_recorded()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        var ids = await harness.LogAsync(1, 3, output: _ => "0");

        await harness.FeedbackAsync(ids.Select(id => (id, "1")), "app", FeedbackTrust.Consumer);
        var again = await harness.FeedbackAsync(ids.Select(id => (id, "2")), "app", FeedbackTrust.Consumer);
        var labeled = await harness.FeedbackAsync(ids.Select(id => (id, "3")), "lab", FeedbackTrust.Labeler);

        Assert.Equal(new FeedbackCounts(0, 3, 0, 0, 0), again);
        Assert.Equal(new FeedbackCounts(0, 0, 3, 0, 0), labeled);
        var stored = await harness.QueryAsync(db => db.Feedback.ToListAsync());
        Assert.All(stored, f => Assert.Equal(("3", "lab", FeedbackTrust.Labeler), (f.Actual, f.KeyId, f.Trust)));

        // Once submitted, the row is training data: a later answer, however trusted, is a duplicate.
        harness.Clock.Advance(TimeSpan.FromMinutes(2));
        await harness.SweepAsync();
        Assert.All(Assert.Single(harness.Submissions()).Csv!.TrimEnd('\n').Split('\n').Skip(1), r => Assert.EndsWith(",3", r));
        var late = await harness.FeedbackAsync(ids.Select(id => (id, "4")), "ops", FeedbackTrust.Labeler + 1);
        Assert.Equal(new FeedbackCounts(0, 3, 0, 0, 0), late);
    }

    [Fact]
    public async Task Feedback_sent_before_its_prediction_is_logged_is_joined_and_checked_when_the_log_arrives()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();

        var counts = await harness.FeedbackAsync([(ids[0], "5"), (ids[1], "5"), (ids[2], "five")]);
        Assert.Equal(new FeedbackCounts(3, 0, 0, 0, 3), counts);
        await harness.LogAsync(1, 3, output: _ => "0", ids: ids);
        harness.Clock.Advance(TimeSpan.FromMinutes(2));
        await harness.SweepAsync();

        var rows = Assert.Single(harness.Submissions()).Csv!.TrimEnd('\n').Split('\n').Skip(1).ToList();
        Assert.Equal(2, rows.Count);
        Assert.False(await harness.QueryAsync(db => db.Feedback.AnyAsync(f => f.PredictionId == ids[2])));
    }
}
