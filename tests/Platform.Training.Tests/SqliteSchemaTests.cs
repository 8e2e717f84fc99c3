using Platform.ServiceDefaults;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Platform.Training.Tests;

/// <summary>The embedded default's SQLite files are not migrated: a data folder from an older build is refused at start-up, naming the fix.</summary>
public sealed class SqliteSchemaTests
{
    [Fact]
    public async Task A_database_from_an_older_build_stops_the_start_naming_the_missing_columns_and_the_fix()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-sqlite-schema-" + Guid.NewGuid().ToString("N"))).FullName;
        var file = Path.Combine(folder, "training.db");
        try
        {
            // An "older build": the runs table without the columns added since, its dates still text.
            await using (var connection = new SqliteConnection($"Data Source={file}"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE runs (Id TEXT NOT NULL PRIMARY KEY, ModelName TEXT NOT NULL, QueuedAt TEXT NOT NULL)";
                await command.ExecuteNonQueryAsync();
            }

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

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

            Assert.Contains("older build", error.Message, StringComparison.Ordinal);
            Assert.Contains("runs.FeatureWeights", error.Message, StringComparison.Ordinal);
            Assert.Contains("table datasets", error.Message, StringComparison.Ordinal);
            Assert.Contains("runs.QueuedAt as INTEGER (it is TEXT)", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("runs.ModelName", error.Message, StringComparison.Ordinal);
            Assert.Contains("mv .platform .platform.old", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
