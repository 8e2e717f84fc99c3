using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Platform.Tests;

/// <summary>
/// A service's database of this test's own, on either provider the service runs on: a SQLite file created from the
/// model (as the embedded default does), or a new PostgreSQL database migrated (as the services do) on the server
/// POSTGRES_CONNECTION names, which <c>deploy/local/test.sh</c> starts and exports. Dropped when disposed.
/// </summary>
public sealed class TestDatabase<TContext> : IAsyncDisposable
    where TContext : DbContext
{
    private readonly Func<DbContextOptions<TContext>, TContext> _create;
    private readonly string? _sqliteFile;

    private TestDatabase(string provider, string connectionString, Func<DbContextOptions<TContext>, TContext> create, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _create = create;
        _sqliteFile = sqliteFile;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>Creates the database: <paramref name="name"/> prefixes the file or database name (e.g. "trainingdb").</summary>
    public static async Task<TestDatabase<TContext>> CreateAsync(string provider, string name, Func<DbContextOptions<TContext>, TContext> create)
    {
        TestDatabase<TContext> database;
        if (provider == TestDatabases.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"platform-{name}-{Guid.NewGuid():N}.db");
            database = new(provider, $"Data Source={file}", create, file);
            await using var db = database.Open();
            await db.Database.EnsureCreatedAsync();
            return database;
        }

        var server = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION");
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException("This test needs PostgreSQL: run it with `bash deploy/local/test.sh` (it starts one and exports " +
                "POSTGRES_CONNECTION), or set POSTGRES_CONNECTION to an Npgsql connection string for a role that may create databases.");
        var databaseName = $"{name}_t{DateTime.UtcNow:MMddHHmmss}{Random.Shared.Next(1000, 9999)}";
        database = new(provider, new NpgsqlConnectionStringBuilder(server) { Database = databaseName }.ConnectionString, create, null);
        await using (var db = database.Open()) await db.Database.MigrateAsync();
        return database;
    }

    /// <summary>Points a DbContext registration at this database.</summary>
    public void Configure(DbContextOptionsBuilder options)
    {
        if (_sqliteFile is not null) options.UseSqlite(ConnectionString, Platform.ServiceDefaults.Database.ConfigureSqlite);
        else options.UseNpgsql(ConnectionString);
    }

    public TContext Open()
    {
        var options = new DbContextOptionsBuilder<TContext>();
        Configure(options);
        return _create(options.Options);
    }

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

/// <summary>The providers a service's tests run on (for <c>[MemberData]</c>).</summary>
public static class TestDatabases
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> Providers => [Sqlite, Postgres];
}
