using Microsoft.Extensions.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Outbox;

namespace Platform.ServiceDefaults;

public enum DatabaseProvider
{
    Postgres,
    Sqlite,
}

/// <summary>
/// Registers a service's own DbContext on PostgreSQL (connection string named after the database, e.g.
/// "trainingdb", as Aspire names it) or, for the all-in-one host, SQLite (<c>Database:Provider=Sqlite</c>).
/// Also registers its outbox dispatcher and a readiness check.
/// </summary>
public static class Database
{
    public static TBuilder AddPlatformDbContext<TBuilder, TContext>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
        where TContext : DbContext
    {
        var provider = builder.Configuration.GetValue("Database:Provider", DatabaseProvider.Postgres);
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"No connection string named '{connectionName}' (ConnectionStrings:{connectionName}).");

        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddDbContext<TContext>((services, options) =>
        {
            if (provider == DatabaseProvider.Sqlite) options.UseSqlite(connectionString, ConfigureSqlite).AddInterceptors(SqlitePragmas.Instance);
            else options.UseNpgsql(connectionString);
            options.AddInterceptors(new OutboxSaveChangesInterceptor(services.GetRequiredService<OutboxSignal>()));
        });

        builder.Services.AddHostedService(services => new DatabaseInitializer<TContext>(services, provider));
        builder.Services.AddHostedService<OutboxDispatcher<TContext>>();
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>(connectionName, tags: [Extensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// The platform's SQLite settings, for the services and for tests that build a context themselves. A collection in
    /// a query (<c>ids.Contains(x.Id)</c>) is one JSON parameter read with <c>json_each</c>, not EF 10's default of a
    /// parameter per element: Microsoft.Data.Sqlite binds parameters by name, SQLite finds each name by a linear
    /// search, so Monitoring's lookups of a 500-row batch's ids cost 125,000 name comparisons each (<c>strncmp</c>
    /// was 3.3% of the embedded default's CPU).
    /// </summary>
    public static void ConfigureSqlite(SqliteDbContextOptionsBuilder sqlite) =>
        sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);
}

/// <summary>
/// Brings the schema up to date before the host starts consuming: migrations on PostgreSQL (EF Core takes a
/// database lock, so replicas starting together are safe); on SQLite, where the all-in-one host keeps disposable
/// local files, the schema is created from the model because the migrations are PostgreSQL's.
/// </summary>
internal sealed class DatabaseInitializer<TContext>(IServiceProvider services, DatabaseProvider provider) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<TContext>>();
        if (provider == DatabaseProvider.Sqlite)
        {
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            await db.Database.EnsureCreatedAsync(cancellationToken);
            await SqlitePragmas.UseWalAsync(db.Database, cancellationToken);
            await SqliteSchemaCheck.ThrowIfOutdatedAsync(db, path, cancellationToken);
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        logger.LogInformation("Database for {Context} is ready ({Provider})", typeof(TContext).Name, provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The embedded default's SQLite files are created from the model and never migrated (the migrations are
/// PostgreSQL's): a data folder written by an older build lacks the newer tables and columns, which would surface later
/// as an obscure "no such column" in the middle of a request. At start-up this names what is missing and the fix.
/// </summary>
internal static class SqliteSchemaCheck
{
    public static async Task ThrowIfOutdatedAsync(DbContext db, string path, CancellationToken cancellationToken)
    {
        var expected = db.Model.GetEntityTypes()
            .Select(e => (Entity: e, Table: e.GetTableName()))
            .Where(e => e.Table is not null)
            .SelectMany(e => e.Entity.GetProperties()
                .Select(p => (Property: p, Store: Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(e.Table!, e.Entity.GetSchema())))
                .Select(p => (Table: e.Table!, Column: p.Property.GetColumnName(p.Store), Type: p.Property.GetColumnType(p.Store)))
                .Where(c => c.Column is not null)
                .Select(c => (c.Table, Column: c.Column!, c.Type)))
            .DistinctBy(c => (c.Table, c.Column))
            .GroupBy(c => c.Table);

        var missing = new List<string>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            foreach (var table in expected)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT name, type FROM pragma_table_info($table)";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "$table";
                parameter.Value = table.Key;
                command.Parameters.Add(parameter);
                var present = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                    while (await reader.ReadAsync(cancellationToken)) present[reader.GetString(0)] = reader.GetString(1);
                if (present.Count == 0)
                {
                    missing.Add($"table {table.Key}");
                    continue;
                }

                foreach (var column in table)
                {
                    if (!present.TryGetValue(column.Column, out var type)) missing.Add($"{table.Key}.{column.Column}");
                    // A column of another type is as outdated as a missing one (the dates became integers, for one).
                    else if (!string.Equals(type, column.Type, StringComparison.OrdinalIgnoreCase)) missing.Add($"{table.Key}.{column.Column} as {column.Type} (it is {type})");
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The SQLite database {Path.GetFullPath(path)} was created by an older build of the platform: it lacks {string.Join(", ", missing)}. " +
                "The embedded default does not migrate its local files. Move the data folder aside to start fresh (e.g. `mv .platform .platform.old`: " +
                "datasets, runs and models in it are then no longer used), or run the distributed setup on PostgreSQL, whose databases are migrated.");
    }
}
