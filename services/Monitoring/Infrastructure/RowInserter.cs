using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Platform.Monitoring.Infrastructure;

/// <summary>
/// Inserts new rows of one entity type with multi-row <c>INSERT ... VALUES (...), (...)</c> statements, bypassing the
/// change tracker. Measured on the embedded default: saving the logged predictions through <c>SaveChanges</c> (a
/// modification command, column modifications and generated SQL per entity) was half of everything the process
/// allocated while serving. The parameters come from EF's own type mapping of each property, value converters
/// included (the JSON columns, DateTimeOffset as ticks on SQLite), so a row is stored exactly as <c>SaveChanges</c>
/// would store it, on either provider.
/// </summary>
public static class RowInserter
{
    /// <summary>
    /// Rows per statement on SQLite. Microsoft.Data.Sqlite binds parameters by name and SQLite finds each name by a
    /// linear search of the statement's names, so binding a statement costs the square of its parameters. Measured
    /// (IntakeBenchmarks, window row + output stored, WAL): 8 rows a statement 13.9 µs a row, 16 rows 22.4, 100 rows 42.8.
    /// </summary>
    internal const int SqliteRowsPerStatement = 8;

    /// <summary>Rows per statement on PostgreSQL, which binds by position: fewer round trips is all that counts.</summary>
    internal const int PostgresRowsPerStatement = 100;

    /// <summary>
    /// Inserts <paramref name="rows"/> in the context's current transaction (the caller opens one when several inserts
    /// must succeed together). <paramref name="storeGenerated"/> names the properties the database fills in (an
    /// identity key), which are left out; the entities' copies of them are not updated.
    /// </summary>
    public static Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken, params string[] storeGenerated)
        where T : class =>
        InsertAsync(db, rows, db.Database.IsSqlite() ? SqliteRowsPerStatement : PostgresRowsPerStatement, cancellationToken, storeGenerated);

    /// <summary>As above with a chosen statement size: the benchmark measures the sizes against each other.</summary>
    internal static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, int rowsPerStatement, CancellationToken cancellationToken, params string[] storeGenerated)
        where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var properties = entityType.GetProperties().Where(p => !storeGenerated.Contains(p.Name)).ToArray();
        var columns = properties.Select(p => new Column(p, (RelationalTypeMapping)p.GetRelationalTypeMapping(), p.GetGetter())).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var header = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) VALUES ";

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await db.Database.OpenConnectionAsync(cancellationToken);
        // Reusing one prepared statement with new parameters is what SQLite needs (binding, not planning, is its
        // cost). Npgsql keeps the parameters it prepared with: replaced, the next chunk inserted the first chunk's rows
        // again (23505 on IX_window_rows_PredictionId), so PostgreSQL gets a statement per chunk.
        var reusesStatements = db.Database.IsSqlite();
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, rows.Count - start);
                if (count < rowsPerStatement || !reusesStatements)
                {
                    // The tail of the batch (every chunk on PostgreSQL): a statement of its own, used once.
                    await using var tail = Command(connection, transaction, sql, header, columns.Length, count);
                    await ExecuteAsync(tail, sql, columns, rows, start, count, cancellationToken);
                    continue;
                }

                // Every full chunk runs the same statement: built and prepared once, only its parameters change.
                var first = full is null;
                full ??= Command(connection, transaction, sql, header, columns.Length, count);
                await ExecuteAsync(full, sql, columns, rows, start, count, cancellationToken, prepare: first);
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter);

    private static string ParameterName(int index) => $"p{index}";

    /// <summary>An <c>INSERT</c> of <paramref name="count"/> rows, parameters <c>p0</c>, <c>p1</c>, ... row by row.</summary>
    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, ISqlGenerationHelper sql, string header, int columns, int count)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new StringBuilder(header, header.Length + count * columns * 8);
        for (var r = 0; r < count; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns; c++)
            {
                if (c > 0) text.Append(", ");
                text.Append(sql.GenerateParameterNamePlaceholder(ParameterName(r * columns + c)));
            }

            text.Append(')');
        }

        command.CommandText = text.ToString();
        return command;
    }

    /// <summary>
    /// Binds rows <paramref name="start"/>.. of <paramref name="rows"/> and runs the statement. The parameters come
    /// from EF's type mapping every time (value converters included), exactly as <c>SaveChanges</c> would make them;
    /// replacing them leaves the prepared statement in place.
    /// </summary>
    private static async Task ExecuteAsync<T>(DbCommand command, ISqlGenerationHelper sql, Column[] columns, IReadOnlyList<T> rows, int start, int count, CancellationToken cancellationToken, bool prepare = false)
        where T : class
    {
        command.Parameters.Clear();
        for (var r = 0; r < count; r++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var column = columns[c];
                command.Parameters.Add(column.Mapping.CreateParameter(command, sql.GenerateParameterName(ParameterName(r * columns.Length + c)),
                    column.Getter.GetClrValueUsingContainingEntity(rows[start + r]), column.Property.IsNullable));
            }
        }

        // Prepared once its parameters are bound: Npgsql prepares a command without parameters as raw SQL, where
        // "@p0" is no placeholder (PostgreSQL then reads it as a column: 42703 "column p0 does not exist").
        if (prepare) await command.PrepareAsync(cancellationToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
