using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Platform.ServiceDefaults;

/// <summary>
/// SQLite (the embedded default, the unit tests) has no date type: by default EF keeps a <see cref="DateTimeOffset"/>
/// as text, which SQL cannot compare or order, so every date filter had to run in memory. Stored as UTC-ordered
/// integers (EF's binary form: UTC time to 0.1 ms, then the offset) they compare and order in SQL as on PostgreSQL.
/// Every service's values are UTC. PostgreSQL keeps its <c>timestamptz</c> columns.
/// </summary>
public static class SqliteDates
{
    /// <summary>Call last in <c>OnModelCreating</c>, after every entity (the outbox's included) is mapped.</summary>
    public static void StoreDatesAsIntegersOnSqlite(this ModelBuilder modelBuilder, DatabaseFacade database)
    {
        if (!database.IsSqlite()) return;
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties())
                     .Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
            property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
    }
}
