using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;

namespace Platform.Benchmarks;

/// <summary>
/// Monitoring's intake on SQLite, as the embedded default stores it (its SqlitePragmas included): a 500-row batch of
/// window rows and outputs in one transaction, by <see cref="RowInserter"/> with <see cref="RowsPerStatement"/> rows a
/// statement, reported per row stored (window row + output, the commit's share included). Its values are bound by
/// position (SqliteStatement): bound by name, SQLite's linear search of the names made large statements lose.
/// </summary>
[Config(typeof(BenchConfig.Short))]
// One 500-row batch an iteration (the tables are emptied between), so more iterations than Short's, and enough warm-up
// for the JIT's tiers to settle before the first parameter's iterations count.
[WarmupCount(20)]
[IterationCount(25)]
public class IntakeBenchmarks
{
    private const int Rows = 500;
    private string _folder = null!;
    private MonitoringDbContext _db = null!;

    [Params(1, 8, 16, 32, 100)]
    public int RowsPerStatement { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("intake-bench-").FullName;
        _db = new MonitoringDbContext(new DbContextOptionsBuilder<MonitoringDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_folder, "monitoring.db")}", ServiceDefaults.Database.ConfigureSqlite).AddInterceptors(ServiceDefaults.SqlitePragmas.Instance).Options);
        _db.Database.EnsureCreated();
        ServiceDefaults.SqlitePragmas.UseWalAsync(_db.Database, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Every iteration starts from empty tables: a table grown over the run would measure its size, not the statements.</summary>
    [IterationSetup]
    public void Empty()
    {
        _db.WindowRows.ExecuteDelete();
        _db.Outputs.ExecuteDelete();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "per row of a 500-row batch", OperationsPerInvoke = Rows)]
    public async Task Store_batch()
    {
        var at = DateTimeOffset.UtcNow;
        var windowRows = new WindowRow[Rows];
        var outputs = new LoggedOutput[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var id = Guid.NewGuid();
            windowRows[i] = new WindowRow
            {
                ModelName = "iris", Version = 1, PredictionId = id, NumericJson = "[5.1,3.5,1.4,0.2]", CategoricalJson = "[]",
                Confidence = 0.97, At = at,
            };
            outputs[i] = new LoggedOutput
            {
                PredictionId = id, ModelName = "iris", Version = 1, Output = "setosa", Confidence = 0.97, At = at,
                Numeric = [5.1, 3.5, 1.4, 0.2],
            };
        }

        await using var transaction = await _db.Database.BeginTransactionAsync();
        await RowInserter.InsertAsync(_db, windowRows, RowsPerStatement, CancellationToken.None, nameof(WindowRow.Id));
        await RowInserter.InsertAsync(_db, outputs, RowsPerStatement, CancellationToken.None);
        await transaction.CommitAsync();
    }
}
