using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Platform.Monitoring.Infrastructure;

/// <summary>
/// Inserts new rows of one entity type with multi-row <c>INSERT ... VALUES (...), (...)</c> statements, bypassing the
/// change tracker. Measured on the embedded default: saving the logged predictions through <c>SaveChanges</c> (a
/// modification command, column modifications and generated SQL per entity) was half of everything the process
/// allocated while serving. The values come from EF's own type mapping of each property, value converters included
/// (the JSON columns, DateTimeOffset as ticks on SQLite), so a row is stored exactly as <c>SaveChanges</c> would store
/// it, on either provider. On SQLite they are bound by position (<see cref="SqliteStatement"/>), elsewhere as ADO.NET
/// parameters.
/// </summary>
public static class RowInserter
{
    /// <summary>
    /// Rows per statement. On PostgreSQL, fewer round trips is all that counts. On SQLite, bound by position, a statement
    /// costs little beside its rows: IntakeBenchmarks (window row + output stored, WAL) 100 rows a statement 11.0 µs a
    /// row, 8 rows 23.3. Bound by name (Microsoft.Data.Sqlite's parameters, found by a linear search of the statement's
    /// names) the same run gave 100 rows 57.3 µs, 8 rows 32.0.
    /// </summary>
    internal const int RowsPerStatement = 100;

    /// <summary>
    /// Inserts <paramref name="rows"/> in the context's current transaction (the caller opens one when several inserts
    /// must succeed together). <paramref name="storeGenerated"/> names the properties the database fills in (an
    /// identity key), which are left out; the entities' copies of them are not updated.
    /// </summary>
    public static Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken, params string[] storeGenerated)
        where T : class =>
        InsertAsync(db, rows, RowsPerStatement, cancellationToken, storeGenerated);

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
        try
        {
            if (connection is SqliteConnection sqlite && columns.All(c => SqliteStatement.Binds(c.ProviderType)))
                InsertByPosition(sqlite, header, columns, rows, rowsPerStatement);
            else
                await InsertWithParametersAsync(connection, transaction, sql, header, columns, rows, rowsPerStatement, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// ADO.NET parameters (PostgreSQL, or a type SqliteStatement does not bind): a statement per chunk. Npgsql keeps the
    /// parameters it prepared with, so a statement reused with new ones inserted the first chunk's rows again (23505 on
    /// IX_window_rows_PredictionId).
    /// </summary>
    private static async Task InsertWithParametersAsync<T>(DbConnection connection, DbTransaction? transaction, ISqlGenerationHelper sql, string header,
        Column[] columns, IReadOnlyList<T> rows, int rowsPerStatement, CancellationToken cancellationToken)
        where T : class
    {
        for (var start = 0; start < rows.Count; start += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - start);
            await using var command = Command(connection, transaction, sql, header, columns.Length, count);
            await ExecuteAsync(command, sql, columns, rows, start, count, cancellationToken);
        }
    }

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter)
    {
        /// <summary>The type stored: the value converter's provider type (JSON text, ticks), or the property's own.</summary>
        public Type ProviderType => Mapping.Converter?.ProviderClrType ?? Mapping.ClrType;

        /// <summary>The value stored for <paramref name="entity"/>, converted as <c>SaveChanges</c> converts it.</summary>
        public object? ProviderValue(object entity)
        {
            var value = Getter.GetClrValueUsingContainingEntity(entity);
            return value is null || Mapping.Converter is not { } converter ? value : converter.ConvertToProvider(value);
        }
    }

    /// <summary>
    /// SQLite: statements of <paramref name="rowsPerStatement"/> rows with positional parameters, the full one prepared
    /// once and run again for every full chunk, the tail's once. Synchronous, as Microsoft.Data.Sqlite's async calls are.
    /// </summary>
    private static void InsertByPosition<T>(SqliteConnection connection, string header, Column[] columns, IReadOnlyList<T> rows, int rowsPerStatement)
        where T : class
    {
        SqliteStatement? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, rows.Count - start);
                if (count < rowsPerStatement)
                {
                    using var tail = new SqliteStatement(connection, PositionalSql(header, columns.Length, count));
                    BindAndRun(tail, columns, rows, start, count);
                    continue;
                }

                full ??= new SqliteStatement(connection, PositionalSql(header, columns.Length, count));
                BindAndRun(full, columns, rows, start, count);
            }
        }
        finally
        {
            full?.Dispose();
        }
    }

    private static void BindAndRun<T>(SqliteStatement statement, Column[] columns, IReadOnlyList<T> rows, int start, int count)
        where T : class
    {
        var index = 1;
        for (var r = 0; r < count; r++)
        {
            var row = rows[start + r];
            foreach (var column in columns) statement.Bind(index++, column.ProviderValue(row));
        }

        statement.Execute();
    }

    /// <summary>An <c>INSERT</c> of <paramref name="count"/> rows of <c>?</c> placeholders, numbered by SQLite in order.</summary>
    private static string PositionalSql(string header, int columns, int count)
    {
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", columns)) + ")";
        return header + string.Join(", ", Enumerable.Repeat(row, count));
    }

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
    /// from EF's type mapping (value converters included), exactly as <c>SaveChanges</c> would make them.
    /// </summary>
    private static async Task ExecuteAsync<T>(DbCommand command, ISqlGenerationHelper sql, Column[] columns, IReadOnlyList<T> rows, int start, int count, CancellationToken cancellationToken)
        where T : class
    {
        for (var r = 0; r < count; r++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var column = columns[c];
                command.Parameters.Add(column.Mapping.CreateParameter(command, sql.GenerateParameterName(ParameterName(r * columns.Length + c)),
                    column.Getter.GetClrValueUsingContainingEntity(rows[start + r]), column.Property.IsNullable));
            }
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
