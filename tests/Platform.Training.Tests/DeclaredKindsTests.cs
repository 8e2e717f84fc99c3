using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Tests;
using Platform.Training.Model;

namespace Platform.Training.Tests;

/// <summary>A column Ingestion recorded as categorical reaches the model as one, learnt from the DatasetUploaded alone.</summary>
public sealed class DeclaredKindsTests
{
    [Fact]
    public async Task A_column_declared_categorical_at_upload_trains_as_categories_without_asking_Ingestion_for_the_schema()
    {
        await using var host = new TrainingHost(minNewRows: 500);
        await host.StartAsync();
        // x2 holds integer codes 0, 1, 2: inferred, it would be a number; the uploader declared it a category.
        await host.UploadAsync(1, CodedWorld(300), 300, DatasetSources.Upload, null, DateTimeOffset.UtcNow, x2Kind: "categorical");

        var run = await Eventually.ValueAsync(() => host.QueryAsync(db => db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Status == RunStatus.Succeeded)),
            TimeSpan.FromMinutes(2), () => "the run to succeed");

        // The run row says succeeded when its ModelTrained is committed to the outbox; the harness sees it once published.
        await Eventually.HoldsAsync(() => host.Harness.Published.Any<ModelTrained>(m => m.Context.Message.RunId == run.Id), TimeSpan.FromSeconds(30), "the run's ModelTrained to be published");
        var x2 = Assert.Single(host.Harness.Published.Select<ModelTrained>().Select(m => m.Context.Message).Single(m => m.RunId == run.Id).Inputs, i => i.Name == "x2");
        Assert.Equal("categorical", x2.Kind);
        Assert.Equal(["0", "1", "2"], x2.Categories!.Order(StringComparer.Ordinal));
        // Kept typed on the run and on the model's newest-data pointer, which a drift's retrain reads later.
        Assert.Equal("categorical", run.DatasetColumnKinds!["x2"]);
        var pointer = await host.QueryAsync(db => db.Datasets.AsNoTracking().SingleAsync());
        Assert.Equal(new Dictionary<string, string> { ["x1"] = "numeric", ["x2"] = "categorical", ["y"] = "numeric" }, pointer.ColumnKinds);
    }

    /// <summary>y = 3·x1 plus an offset per code of x2 (0 → 0, 1 → 5, 2 → −4): not a line in x2.</summary>
    private static string CodedWorld(int rows)
    {
        var random = new Random(7);
        double[] offsets = [0, 5, -4];
        var csv = new StringBuilder("x1,x2,y\n");
        for (var i = 0; i < rows; i++)
        {
            var x1 = random.NextDouble() * 4 - 2;
            var code = i % 3;
            var y = 3 * x1 + offsets[code] + (random.NextDouble() - 0.5) * 0.2;
            csv.Append(CultureInfo.InvariantCulture, $"{x1:R},{code},{y:R}\n");
        }

        return csv.ToString();
    }
}
