using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Platform.Monitoring.Infrastructure;

/// <summary>
/// One prepared SQLite statement whose parameters are bound by position. Microsoft.Data.Sqlite binds every parameter
/// by name, and SQLite finds a name by a linear search of the statement's names: with the intake's 80 parameters a
/// statement, that search (<c>strncmp</c>, <c>sqlite3VListNameToNum</c>) was 6% of the embedded default's CPU. Values
/// are bound as Microsoft.Data.Sqlite binds them (a test compares the stored form with <c>SaveChanges</c>'); a type it
/// does not know here is refused by <see cref="Binds"/>, and the caller uses the ADO.NET path for it.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(handle, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, handle);
    }

    /// <summary>Whether values of this (provider) type are bound here: the types the platform's entities store.</summary>
    public static bool Binds(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte)
            || type == typeof(bool) || type == typeof(double) || type == typeof(float) || type == typeof(Guid) || type == typeof(byte[]);
    }

    /// <summary>
    /// Binds parameter <paramref name="index"/> (from 1): integers as INTEGER, floating point as REAL, Guids as upper-case
    /// TEXT. Text is bound from the string's own characters and a Guid from a stack buffer (SQLite copies both): the
    /// string overloads allocated a UTF-8 copy of every text and two strings a Guid (4% of the embedded default's
    /// allocation under load in an allocation-sampling trace).
    /// </summary>
    public void Bind(int index, object? value)
    {
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, index),
            string text => raw.sqlite3_bind_text16(_statement, index, text.AsSpan()),
            long number => raw.sqlite3_bind_int64(_statement, index, number),
            int number => raw.sqlite3_bind_int64(_statement, index, number),
            short number => raw.sqlite3_bind_int64(_statement, index, number),
            byte number => raw.sqlite3_bind_int64(_statement, index, number),
            bool flag => raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0),
            double real => raw.sqlite3_bind_double(_statement, index, Real(real)),
            float real => raw.sqlite3_bind_double(_statement, index, Real(real)),
            Guid id => BindGuid(index, id),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, index, bytes),
            _ => throw new NotSupportedException($"{value.GetType().Name} values are not bound by position (check SqliteStatement.Binds first)."),
        };
        SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }

    /// <summary>Runs the statement with its bound values, then resets it for the next ones.</summary>
    public void Execute()
    {
        var handle = _connection.Handle!;
        // Another connection's write lock (outside a transaction that holds one already): retried, as
        // Microsoft.Data.Sqlite does, until the connection's command timeout.
        var waited = Stopwatch.StartNew();
        int rc;
        while ((rc = raw.sqlite3_step(_statement)) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED
            && waited.Elapsed < TimeSpan.FromSeconds(_connection.DefaultTimeout))
        {
            raw.sqlite3_reset(_statement);
            Thread.Sleep(10);
        }

        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, handle);
    }

    public void Dispose() => _statement.Dispose();

    private int BindGuid(int index, Guid id)
    {
        Span<byte> text = stackalloc byte[36];
        id.TryFormat(text, out _);
        for (var i = 0; i < text.Length; i++)
            if (text[i] is >= (byte)'a' and <= (byte)'f') text[i] -= 'a' - 'A';
        return raw.sqlite3_bind_text(_statement, index, text);
    }

    private static double Real(double value) =>
        double.IsNaN(value) ? throw new InvalidOperationException("Cannot store NaN values.") : value;
}
