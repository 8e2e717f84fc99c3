using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Platform.ServiceDefaults.Faults;

/// <summary>
/// Tells a write refused because a row with the same unique key is stored already: a redelivered message, or a row
/// another replica stored first. Writers that expect this rarely insert without looking first and look only when it
/// happens (a query per write costs more than an exception per redelivery).
/// </summary>
public static class DuplicateKeys
{
    // SQLite's extended codes: 1555 = SQLITE_CONSTRAINT_PRIMARYKEY, 2067 = SQLITE_CONSTRAINT_UNIQUE (a NOT NULL or
    // CHECK failure is SQLITE_CONSTRAINT too, and is not a duplicate).
    public static bool IsDuplicateKey(DbException exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 1555 or 2067,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
