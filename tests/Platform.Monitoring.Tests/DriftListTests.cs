using Microsoft.EntityFrameworkCore;
using Platform.Monitoring.Apis;

namespace Platform.Monitoring.Tests;

public sealed class DriftListTests
{
    [Fact]
    public async Task The_drift_list_is_newest_first_cut_to_the_limit_with_histograms_on_its_newest_data_report_only()
    {
        await using var harness = new MonitoringHarness(new MonitoringOptions { WindowRows = 200, MinWindowRows = 50 });
        await harness.PromoteAsync(1);
        for (var window = 0; window < 3; window++)
        {
            await harness.LogAsync(1, 200, shift: window);
            harness.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var stored = await harness.ReportsAsync();
        Assert.Equal(3, stored.Count);
        Assert.All(stored, r => Assert.NotNull(r.Histograms));

        var listed = (await harness.QueryAsync(db => DriftApi.ListAsync(MonitoringHarness.Model, 2, db, CancellationToken.None))).Value!;

        Assert.Equal([stored[2].Id, stored[1].Id], listed.Select(r => r.Id));
        Assert.Equal(["x1", "x2", "x3"], listed[0].Histograms!.Select(h => h.Feature));
        Assert.Null(listed[1].Histograms);
        Assert.Equal(3, listed[0].Features.GetArrayLength());
        Assert.Equal(3, listed[1].Features.GetArrayLength());
    }

    [Fact]
    public async Task The_newest_reports_of_a_model_are_read_through_an_index_in_that_order_not_sorted()
    {
        await using var harness = new MonitoringHarness(new MonitoringOptions());
        // The schema the embedded default creates from the model: the list's query walks the index backwards.
        var plan = await harness.QueryAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                EXPLAIN QUERY PLAN SELECT "Id" FROM drift_reports WHERE "ModelName" = 'synthetic' ORDER BY "CreatedAt" DESC, "Id" DESC LIMIT 50
                """;
            var steps = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) steps.Add(reader.GetString(3));
            return string.Join(" | ", steps);
        });

        Assert.Contains("IX_drift_reports_ModelName_CreatedAt_Id", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }
}
