using Platform.ServiceDefaults;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Platform.Ingestion.Infrastructure;

namespace Platform.Ingestion.Tests;

/// <summary>The embedded default's SQLite files are not migrated: a data folder from before versions kept their source is refused at start-up, naming the column.</summary>
public sealed class SqliteSchemaTests
{
    [Fact]
    public async Task A_database_from_before_versions_kept_their_source_stops_the_start_naming_the_column_and_the_fix()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-ingestion-schema-" + Guid.NewGuid().ToString("N"))).FullName;
        var file = Path.Combine(folder, "ingestion.db");
        try
        {
            // The older build: today's schema without dataset_versions.Source.
            await using (var db = new IngestionDbContext(new DbContextOptionsBuilder<IngestionDbContext>().UseSqlite($"Data Source={file}").Options))
            {
                await db.Database.EnsureCreatedAsync();
                await db.Database.ExecuteSqlRawAsync("ALTER TABLE dataset_versions DROP COLUMN Source");
            }

            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:ingestiondb"] = $"Data Source={file}",
                ["Ingestion:StoragePath"] = Path.Combine(folder, "content"),
                ["Messaging:Transport"] = "InMemory",
                ["Auth:AllowAnonymous"] = "true",
                ["Logging:LogLevel:Default"] = "None",
            });
            builder.AddIngestion();
            builder.AddPlatformMessaging(bus => bus.AddIngestionConsumers());
            using var host = builder.Build();

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

            Assert.Contains("older build", error.Message, StringComparison.Ordinal);
            Assert.Contains("lacks dataset_versions.Source.", error.Message, StringComparison.Ordinal);
            Assert.Contains("mv .platform .platform.old", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
