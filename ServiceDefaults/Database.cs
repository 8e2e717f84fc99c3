using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Outbox;

namespace Microsoft.Extensions.Hosting;

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
            if (provider == DatabaseProvider.Sqlite) options.UseSqlite(connectionString);
            else options.UseNpgsql(connectionString);
            options.AddInterceptors(new OutboxSaveChangesInterceptor(services.GetRequiredService<OutboxSignal>()));
        });

        builder.Services.AddHostedService(services => new DatabaseInitializer<TContext>(services, provider));
        builder.Services.AddHostedService<OutboxDispatcher<TContext>>();
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>(connectionName, tags: [Extensions.ReadyTag]);
        return builder;
    }
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
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        logger.LogInformation("Database for {Context} is ready ({Provider})", typeof(TContext).Name, provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
