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
    /// Parameters per statement: far below SQLite's (32,766) and PostgreSQL's (65,535) limits, large enough that a log
    /// batch of a few hundred rows takes a handful of statements.
    /// </summary>
    private const int MaxParameters = 2000;

    /// <summary>
    /// Inserts <paramref name="rows"/> in the context's current transaction (the caller opens one when several inserts
    /// must succeed together). <paramref name="storeGenerated"/> names the properties the database fills in (an
    /// identity key), which are left out; the entities' copies of them are not updated.
    /// </summary>
    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken, params string[] storeGenerated)
        where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var properties = entityType.GetProperties().Where(p => !storeGenerated.Contains(p.Name)).ToArray();
        var columns = properties.Select(p => (Property: p, Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping(), Getter: p.GetGetter())).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var header = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) VALUES ";

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var rowsPerStatement = Math.Max(1, MaxParameters / columns.Length);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, rows.Count - start);
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                var text = new StringBuilder(header, header.Length + count * columns.Length * 8);
                for (var r = 0; r < count; r++)
                {
                    text.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < columns.Length; c++)
                    {
                        var (property, mapping, getter) = columns[c];
                        var name = $"p{r * columns.Length + c}";
                        if (c > 0) text.Append(", ");
                        text.Append(sql.GenerateParameterNamePlaceholder(name));
                        command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName(name),
                            getter.GetClrValueUsingContainingEntity(rows[start + r]), property.IsNullable));
                    }

                    text.Append(')');
                }

                command.CommandText = text.ToString();
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
