using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.Training.Infrastructure;

namespace Platform.Training.Tests;

/// <summary>
/// A Training database of this test's own on either provider the service runs on: a SQLite file created from the
/// model (as the embedded host does), or a new PostgreSQL database migrated (as the services do) on the server
/// POSTGRES_CONNECTION names, which <c>deploy/local/test.sh</c> starts and exports.
/// </summary>
public sealed class TrainingDatabase : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private readonly DbContextOptions<TrainingDbContext> _options;
    private readonly string? _sqliteFile;

    private TrainingDatabase(DbContextOptions<TrainingDbContext> options, string? sqliteFile)
    {
        _options = options;
        _sqliteFile = sqliteFile;
    }

    public static TheoryData<string> Providers => [Sqlite, Postgres];

    public static async Task<TrainingDatabase> CreateAsync(string provider)
    {
        TrainingDatabase database;
        if (provider == Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"platform-training-db-{Guid.NewGuid():N}.db");
            database = new(new DbContextOptionsBuilder<TrainingDbContext>().UseSqlite($"Data Source={file}").Options, file);
            await using var db = database.Open();
            await db.Database.EnsureCreatedAsync();
            return database;
        }

        var server = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION");
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException("This test needs PostgreSQL: run it with `bash deploy/local/test.sh` (it starts one and exports " +
                "POSTGRES_CONNECTION), or set POSTGRES_CONNECTION to an Npgsql connection string for a role that may create databases.");
        var name = $"trainingdb_t{DateTime.UtcNow:MMddHHmmss}{Random.Shared.Next(1000, 9999)}";
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        database = new(new DbContextOptionsBuilder<TrainingDbContext>().UseNpgsql(connection).Options, null);
        await using (var db = database.Open()) await db.Database.MigrateAsync();
        return database;
    }

    public TrainingDbContext Open() => new(_options);

    public async ValueTask DisposeAsync()
    {
        if (_sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_sqliteFile);
            return;
        }

        await using var db = Open();
        await db.Database.EnsureDeletedAsync();
        NpgsqlConnection.ClearAllPools();
    }
}
