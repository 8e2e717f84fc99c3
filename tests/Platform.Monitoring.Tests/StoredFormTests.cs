using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.Tests;

namespace Platform.Monitoring.Tests;

/// <summary>
/// RowInserter binds SQLite's values itself, by position (SqliteStatement): every column must hold exactly what
/// <c>SaveChanges</c> stores, type and value, or EF's own queries (a Guid compared as text, a date as ticks) would
/// stop finding the rows.
/// </summary>
public sealed class StoredFormTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 14, 30, 15, 123, TimeSpan.FromHours(2));

    private static LoggedOutput[] Outputs() =>
    [
        new() { PredictionId = Guid.Parse("0193a4f0-5c1e-7d2a-9b3c-4d5e6f708194"), ModelName = "iris", Version = 3, Output = "setosa", Confidence = 0.97865432,
            At = At, Numeric = [5.1, 0.1 + 0.2, -1e300], Categorical = [null, "north é"], QualityEvaluated = true, SubmissionId = Guid.Parse("1193a4f0-5c1e-7d2a-9b3c-4d5e6f7081ab") },
        new() { PredictionId = Guid.Parse("2293a4f0-5c1e-7d2a-9b3c-4d5e6f7081cd"), ModelName = "diabetes", Version = 1, Output = "151.2", Confidence = null,
            At = At.AddTicks(1), Numeric = [], Categorical = [] },
        // Empty text is stored as empty text, not NULL (text is bound from a span of its characters).
        new() { PredictionId = Guid.Parse("3393a4f0-5c1e-7d2a-9b3c-4d5e6f7081ef"), ModelName = "blank", Version = 2, Output = "", Confidence = 0,
            At = At.AddTicks(2), Numeric = [0], Categorical = [""] },
    ];

    private static WindowRow[] WindowRows() =>
    [
        new() { ModelName = "iris", Version = 3, PredictionId = Guid.Parse("0193a4f0-5c1e-7d2a-9b3c-4d5e6f708194"), NumericJson = "[5.1,0.30000000000000004]",
            CategoricalJson = "[null,\"north\"]", Confidence = 0.5, At = At },
        new() { ModelName = "diabetes", Version = 1, PredictionId = Guid.Parse("2293a4f0-5c1e-7d2a-9b3c-4d5e6f7081cd"), NumericJson = "[]",
            CategoricalJson = "[]", Confidence = null, At = At.AddYears(-30) },
    ];

    [Fact]
    public async Task On_SQLite_every_column_holds_what_SaveChanges_stores()
    {
        await using var saved = await TestDatabase<MonitoringDbContext>.CreateAsync(TestDatabases.Sqlite, "monitoringdb", o => new MonitoringDbContext(o));
        await using var inserted = await TestDatabase<MonitoringDbContext>.CreateAsync(TestDatabases.Sqlite, "monitoringdb", o => new MonitoringDbContext(o));
        await using (var db = saved.Open())
        {
            db.Outputs.AddRange(Outputs());
            db.WindowRows.AddRange(WindowRows());
            await db.SaveChangesAsync();
        }

        await using (var db = inserted.Open())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await RowInserter.InsertAsync(db, Outputs(), CancellationToken.None);
            await RowInserter.InsertAsync(db, WindowRows(), CancellationToken.None, nameof(WindowRow.Id));
            await transaction.CommitAsync();
        }

        foreach (var (table, count) in new[] { ("logged_outputs", Outputs().Length), ("window_rows", WindowRows().Length) })
        {
            var expected = await StoredAsync(saved, table);
            Assert.Equal(count, expected.Count);
            Assert.Equal(expected, await StoredAsync(inserted, table));
        }

        // And EF finds them by the values it binds itself.
        await using var check = inserted.Open();
        Assert.Equal("setosa", (await check.Outputs.SingleAsync(o => o.PredictionId == Outputs()[0].PredictionId && o.At == At)).Output);
    }

    /// <summary>Every column of every row as SQLite holds it: its storage class and its SQL literal, in row order.</summary>
    private static async Task<List<string>> StoredAsync(TestDatabase<MonitoringDbContext> database, string table)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        var columns = new List<string>();
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        }

        var rows = new List<string>();
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {string.Join(" || ' | ' || ", columns.Select(c => $"'{c}=' || typeof(\"{c}\") || ':' || quote(\"{c}\")"))} FROM \"{table}\" ORDER BY rowid";
        await using (var reader = await select.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
