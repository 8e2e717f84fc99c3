using System.Text;
using System.Text.Unicode;
using Sylvan.Data.Csv;
using SylvanFormatException = Sylvan.Data.Csv.CsvFormatException;

namespace Platform.Ml.Data;

/// <summary>
/// Streams the rows of an RFC 4180 CSV file with a header row (Sylvan underneath), one row in memory at a time,
/// and turns every problem into a <see cref="CsvFormatException"/> that names the line of the file.
/// Shared by the table reader and the profiler so that both accept exactly the same files.
/// </summary>
internal sealed class CsvRowReader : IDisposable
{
    // Throws on invalid bytes instead of silently inserting U+FFFD; the preamble makes StreamReader skip a UTF-8 BOM.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    private readonly CsvDataReader _csv;
    private readonly Stream? _stream;
    private int _nextLine;

    private CsvRowReader(TextReader text, Stream? stream)
    {
        _stream = stream;
        try
        {
            _csv = CsvDataReader.Create(text, new CsvDataReaderOptions
            {
                HasHeaders = true,
                // Sylvan guesses the delimiter by default; a CSV here is comma-separated, always.
                Delimiter = ',',
                Quote = '"',
                // Sylvan drops lines starting with '#' as comments by default: a value like "#a" is data here.
                Comment = '\0',
                CsvStyle = CsvStyle.Standard,
                OwnsReader = true,
                // A single record (e.g. a long quoted text) may grow the buffer up to 16 MiB characters.
                MaxBufferSize = 16 * 1024 * 1024,
            });
        }
        catch (CsvMissingHeadersException)
        {
            text.Dispose();
            throw new CsvFormatException("The file is empty: line 1 should be a header row naming the columns.");
        }
        catch (Exception e) when (e is DecoderFallbackException or SylvanFormatException)
        {
            // Translate before disposing: it may rescan the stream to find the line.
            var error = Translate(e, line: 1);
            text.Dispose();
            throw error;
        }

        try
        {
            Names = ReadHeader(out var headerBreaks);
            _nextLine = 2 + headerBreaks;
        }
        catch
        {
            _csv.Dispose();
            throw;
        }
    }

    public static CsvRowReader Open(Stream stream, bool leaveOpen) =>
        new(new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: leaveOpen), stream);

    public static CsvRowReader Open(TextReader text) => new(text, stream: null);

    public string[] Names { get; }

    /// <summary>The 1-based line of the file on which the current row starts.</summary>
    public int Line { get; private set; } = 1;

    /// <summary>
    /// Moves to the next row; throws if it does not have one field per column. Blank lines are skipped when there
    /// are several columns (editors leave them at the end of files); with a single column a blank line is an empty
    /// field, hence a missing value, as RFC 4180 reads it.
    /// </summary>
    public bool Read()
    {
        while (true)
        {
            if (!ReadRecord()) return false;
            if (Names.Length > 1 && _csv.RowFieldCount == 1 && _csv.GetString(0).Length == 0) continue;
            break;
        }

        var fields = _csv.RowFieldCount;
        if (fields < Names.Length)
            throw new CsvFormatException(
                $"Line {Line}: the row has {fields} field(s) but the header has {Names.Length}; column '{Names[fields]}' is missing.");
        if (fields > Names.Length)
            throw new CsvFormatException(
                $"Line {Line}: the row has {fields} fields but the header has {Names.Length}; there is an extra field after column '{Names[^1]}'.");
        return true;
    }

    private bool ReadRecord()
    {
        bool hasRow;
        try
        {
            hasRow = _csv.Read();
        }
        catch (Exception e) when (e is DecoderFallbackException or SylvanFormatException)
        {
            throw Translate(e, _nextLine);
        }

        if (!hasRow) return false;

        Line = _nextLine;
        var fields = _csv.RowFieldCount;
        var breaks = 0;
        for (var i = 0; i < fields; i++) breaks += CountLineBreaks(_csv.GetString(i));
        _nextLine = Line + 1 + breaks;
        return true;
    }

    public string GetString(int column) => _csv.GetString(column);

    public void Dispose() => _csv.Dispose();

    private string[] ReadHeader(out int lineBreaks)
    {
        var names = new string[_csv.FieldCount];
        lineBreaks = 0;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = _csv.GetName(i);
            lineBreaks += CountLineBreaks(name);
            // A BOM that reached us as a character (a TextReader given by the caller) is not part of the name.
            if (i == 0) name = name.TrimStart('\uFEFF');
            name = name.Trim();
            if (!seen.TryAdd(name, i))
                throw new CsvFormatException($"Line 1 (header): column {i + 1} is named '{name}', like column {seen[name] + 1}; column names must be unique.");
            names[i] = name;
        }

        if (names.Length == 0 || (names.Length == 1 && names[0].Length == 0))
            throw new CsvFormatException("The file is empty: line 1 should be a header row naming the columns.");
        return names;
    }

    private CsvFormatException Translate(Exception e, int line) => e switch
    {
        DecoderFallbackException => new CsvFormatException(
            $"Line {LineOfInvalidUtf8() ?? line}: the file is not valid UTF-8 (save it as UTF-8)."),
        CsvRecordTooLargeException => new CsvFormatException(
            $"Line {line}: a record is too large (an unclosed quote makes the rest of the file one field)."),
        SylvanFormatException f => new CsvFormatException(
            $"Line {line}: malformed CSV in column {f.FieldOrdinal + 1} ({f.Message})."),
        _ => new CsvFormatException($"Line {line}: {e.Message}"),
    };

    /// <summary>
    /// The decoder fails on a buffer read ahead of the current row, so its position says little. When the stream can
    /// seek, rescan it from the start and count line feeds up to the first invalid byte to name the exact line.
    /// </summary>
    private int? LineOfInvalidUtf8()
    {
        if (_stream is null || !_stream.CanSeek) return null;
        _stream.Position = 0;
        var bytes = new byte[64 * 1024];
        var chars = new char[bytes.Length];
        var line = 1;
        var carried = 0;
        int read;
        while ((read = _stream.Read(bytes, carried, bytes.Length - carried)) > 0 || carried > 0)
        {
            var length = carried + read;
            var final = read == 0;
            var status = Utf8.ToUtf16(bytes.AsSpan(0, length), chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: final);
            line += bytes.AsSpan(0, consumed).Count((byte)'\n');
            if (status == System.Buffers.OperationStatus.InvalidData) return line;
            // An incomplete sequence at the end of the buffer is carried into the next read.
            carried = length - consumed;
            bytes.AsSpan(consumed, carried).CopyTo(bytes);
            if (final) break;
        }

        return null;
    }

    /// <summary>Line breaks inside a quoted field: "\r\n", "\n" or a lone "\r" each count once.</summary>
    private static int CountLineBreaks(string value)
    {
        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\n') count++;
            else if (value[i] == '\r' && (i + 1 == value.Length || value[i + 1] != '\n')) count++;
        }

        return count;
    }
}
