using Platform.ServiceDefaults;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Training.Infrastructure;

namespace Platform.Training.Tests;

/// <summary>
/// The embedded default's SQLite files: not migrated (a data folder from an older build is refused at start-up, naming
/// the fix), and run in WAL mode with synchronous=NORMAL and a larger page cache (SqlitePragmas), a collection in a query
/// bound as one parameter (Database.ConfigureSqlite).
/// </summary>
public sealed class SqliteSchemaTests
{
    [Fact]
    public async Task A_database_from_an_older_build_stops_the_start_naming_the_missing_columns_and_the_fix()
    {
        await InFolderAsync(async (folder, file) =>
        {
            // An "older build": the runs table without the columns added since, its dates still text.
            await using (var connection = new SqliteConnection($"Data Source={file}"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE runs (Id TEXT NOT NULL PRIMARY KEY, ModelName TEXT NOT NULL, QueuedAt TEXT NOT NULL)";
                await command.ExecuteNonQueryAsync();
            }

            using var host = TrainingOnSqlite(folder, file);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

            Assert.Contains("older build", error.Message, StringComparison.Ordinal);
            Assert.Contains("runs.FeatureWeights", error.Message, StringComparison.Ordinal);
            Assert.Contains("table datasets", error.Message, StringComparison.Ordinal);
            Assert.Contains("runs.QueuedAt as INTEGER (it is TEXT)", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("runs.ModelName", error.Message, StringComparison.Ordinal);
            Assert.Contains("mv .platform .platform.old", error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_service_on_sqlite_runs_its_file_in_wal_mode_with_normal_sync_a_16_mb_cache_and_temporary_files_in_memory_and_binds_a_collection_as_one_parameter()
    {
        await InFolderAsync(async (folder, file) =>
        {
            using (var host = TrainingOnSqlite(folder, file))
            {
                await host.StartAsync();
                try
                {
                    await using var scope = host.Services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
                    await db.Database.OpenConnectionAsync();
                    Assert.Equal("wal", await PragmaAsync(db.Database.GetDbConnection(), "journal_mode"));
                    Assert.Equal("1", await PragmaAsync(db.Database.GetDbConnection(), "synchronous")); // NORMAL; FULL, SQLite's default, is 2
                    Assert.Equal("-16384", await PragmaAsync(db.Database.GetDbConnection(), "cache_size"));
                    Assert.Equal("2", await PragmaAsync(db.Database.GetDbConnection(), "temp_store")); // MEMORY; DEFAULT (0) is a file
                    await db.Database.CloseConnectionAsync();

                    // A collection in a query is one JSON parameter: SQLite finds parameters by name, one by one.
                    var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
                    var sql = db.Runs.Where(r => ids.Contains(r.Id)).ToQueryString();
                    Assert.Contains("json_each(@ids)", sql, StringComparison.Ordinal);
                    Assert.DoesNotContain("@ids2", sql, StringComparison.Ordinal);
                    Assert.Empty(await db.Runs.Where(r => ids.Contains(r.Id)).ToListAsync());
                }
                finally
                {
                    await host.StopAsync();
                }
            }

            // The journal mode is the file's own: a plain connection, without the platform's settings, finds it too.
            await using var plain = new SqliteConnection($"Data Source={file}");
            await plain.OpenAsync();
            Assert.Equal("wal", await PragmaAsync(plain, "journal_mode"));
        });
    }

    /// <summary>Training alone on SQLite, as the embedded default runs it, in <paramref name="folder"/>.</summary>
    private static IHost TrainingOnSqlite(string folder, string file)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:trainingdb"] = $"Data Source={file}",
            ["Training:ArtifactsPath"] = Path.Combine(folder, "artifacts"),
            ["Messaging:Transport"] = "InMemory",
            ["Logging:LogLevel:Default"] = "None",
        });
        builder.AddTraining();
        builder.AddPlatformMessaging(bus => bus.AddTrainingConsumers());
        return builder.Build();
    }

    /// <summary>Runs <paramref name="test"/> with a fresh folder and the path of training.db in it; deletes both afterwards.</summary>
    private static async Task InFolderAsync(Func<string, string, Task> test)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-sqlite-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await test(folder, Path.Combine(folder, "training.db"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string?> PragmaAsync(System.Data.Common.DbConnection connection, string pragma)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma}";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
