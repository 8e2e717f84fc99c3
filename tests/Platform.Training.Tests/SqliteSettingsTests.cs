using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;
using Platform.Training.Infrastructure;

namespace Platform.Training.Tests;

/// <summary>The embedded default's SQLite files run in WAL mode with synchronous=NORMAL and a larger cache (SqlitePragmas).</summary>
public sealed class SqliteSettingsTests
{
    [Fact]
    public async Task A_service_on_sqlite_runs_its_file_in_wal_mode_with_normal_sync_and_a_16_mb_cache()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-sqlite-settings-" + Guid.NewGuid().ToString("N"))).FullName;
        var file = Path.Combine(folder, "training.db");
        try
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
            using var host = builder.Build();
            await host.StartAsync();
            try
            {
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
                await db.Database.OpenConnectionAsync();
                Assert.Equal("wal", await PragmaAsync(db, "journal_mode"));
                Assert.Equal("1", await PragmaAsync(db, "synchronous")); // NORMAL; FULL, SQLite's default, is 2
                Assert.Equal("-16384", await PragmaAsync(db, "cache_size"));
                await db.Database.CloseConnectionAsync();
            }
            finally
            {
                await host.StopAsync();
            }

            // The journal mode is the file's own: a plain connection, without the platform's settings, finds it too.
            await using var plain = new SqliteConnection($"Data Source={file}");
            await plain.OpenAsync();
            await using var command = plain.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string?> PragmaAsync(DbContext db, string pragma)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {pragma}";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
