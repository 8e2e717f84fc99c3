using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;
using Platform.Tests;

namespace Platform.Monitoring.Tests;

/// <summary>
/// The multi-row intake of logged predictions (RowInserter): a batch larger than one statement stores every row as
/// sent, on both providers (PostgreSQL's statements are not reused the way SQLite's are: a reuse once kept the first
/// chunk's values there).
/// </summary>
public sealed class IntakeTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_batch_of_several_statements_and_a_tail_stores_every_row_with_its_own_values_once(string provider)
    {
        await using var database = await TestDatabase<MonitoringDbContext>.CreateAsync(provider, "monitoringdb", o => new MonitoringDbContext(o));
        // A window larger than the batch: nothing closes, every window row stays to be read back.
        await using var harness = new MonitoringHarness(new MonitoringOptions { WindowRows = 1000, MinWindowRows = 50, MaxWindowAge = TimeSpan.FromHours(1) }, database);
        await harness.PromoteAsync(1);
        // Several full statements (100 rows each) and a tail, with every value distinct per row.
        var sent = Enumerable.Range(0, 237).Select(i => new LoggedPrediction(Guid.NewGuid(), harness.Clock.GetUtcNow().AddSeconds(i),
            [i, i + 0.5, -i], [], $"out-{i}", i % 3 == 0 ? null : i / 1000.0)).ToList();
        PredictionsLogged Batch(List<LoggedPrediction> rows) => new(Guid.NewGuid(), MonitoringHarness.Model, 1, "r", ["x1", "x2", "x3"], [], rows, 0,
            rows.Min(r => r.At), rows.Max(r => r.At));

        await harness.SendAsync(Batch(sent));
        // Redelivered, and a part of it again beside new rows: nothing is stored twice.
        await harness.SendAsync(Batch(sent));
        var extra = new LoggedPrediction(Guid.NewGuid(), harness.Clock.GetUtcNow(), [1, 2, 3], [], "extra", 0.9);
        await harness.SendAsync(Batch([.. sent.Skip(150), extra]));

        var outputs = (await harness.QueryAsync(db => db.Outputs.AsNoTracking().ToListAsync())).ToDictionary(o => o.PredictionId);
        var windowRows = (await harness.QueryAsync(db => db.WindowRows.AsNoTracking().ToListAsync())).ToDictionary(r => r.PredictionId);
        Assert.Equal(238, outputs.Count);
        Assert.Equal(238, windowRows.Count);
        foreach (var row in sent.Append(extra))
        {
            var output = outputs[row.PredictionId];
            Assert.Equal(row.Output, output.Output);
            Assert.Equal(row.Confidence, output.Confidence);
            Assert.Equal(row.At, output.At);
            Assert.Equal(row.Numeric, output.Numeric);
            Assert.Equal(1, output.Version);
            var windowRow = windowRows[row.PredictionId];
            Assert.Equal(row.At, windowRow.At);
            Assert.Equal(row.Confidence, windowRow.Confidence);
            Assert.Contains(row.Numeric[1].ToString(System.Globalization.CultureInfo.InvariantCulture), windowRow.NumericJson, StringComparison.Ordinal);
        }
    }
}
