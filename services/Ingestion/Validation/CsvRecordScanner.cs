using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace Platform.Ingestion.Validation;

/// <summary>What is wrong with one record as a piece of CSV, before its values are looked at.</summary>
public enum RecordDefect
{
    None,
    /// <summary>The record is longer than the configured limit (its bytes were not kept).</summary>
    TooLong,
    /// <summary>The record's bytes are not UTF-8.</summary>
    InvalidUtf8,
    /// <summary>A quote inside an unquoted field, or text right after a closing quote.</summary>
    StrayQuote,
    /// <summary>A quoted field is still open at the end of the file.</summary>
    UnclosedQuote,
}

/// <summary>
/// Streams the records of an RFC 4180 CSV file from bytes, one record in memory at a time, and reports a defective
/// record (too long, not UTF-8, a stray or unclosed quote) instead of failing the whole file, so that Ingestion can list
/// every bad row with its line and, under the drop policy, keep the good ones. The library's <c>CsvRowReader</c> stops
/// at the first problem, which is right for training and wrong for a report. What this accepts is a subset of what
/// <c>CsvTableReader</c> reads (it is stricter about quotes), so an accepted file always loads in Training.
/// </summary>
/// <remarks>Records end at \n, \r\n or a lone \r outside quotes; a UTF-8 BOM at the start of the file is skipped.</remarks>
public sealed class CsvRecordScanner : IDisposable
{
    private const byte Quote = (byte)'"', Comma = (byte)',', Lf = (byte)'\n', Cr = (byte)'\r';

    /// <summary>The bytes that end a run of plain field text outside quotes.</summary>
    private static readonly SearchValues<byte> Specials = SearchValues.Create([Quote, Comma, Lf, Cr]);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxRecordBytes;
    /// <summary>256 KiB: a record rarely straddles two chunks, and a read (a thread-pool hop) is paid per chunk.</summary>
    private readonly byte[] _chunk = new byte[256 * 1024];
    private int _chunkLength;
    private int _chunkPosition;
    /// <summary>
    /// The first byte above 0x7F at or after the plain records read so far in this chunk (the chunk's length if none):
    /// a record that ends before it is ASCII, so UTF-8, without a look of its own.
    /// </summary>
    private int _chunkFirstNonAscii;
    private bool _endOfStream;
    private bool _atFileStart = true;

    private byte[] _record = new byte[4096];
    /// <summary>Where the current record's bytes are: <see cref="_chunk"/> itself for a plain record (not copied), else <see cref="_record"/>.</summary>
    private byte[] _recordBuffer;
    private int _recordOffset;
    private int _recordLength;
    private int[] _fieldStarts = new int[64];
    private int[] _fieldEnds = new int[64];
    private bool[] _fieldEscaped = new bool[64];

    private long _line = 1;
    private bool _previousWasCr;

    public CsvRecordScanner(Stream stream, int maxRecordBytes, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 16);
        _stream = stream;
        _maxRecordBytes = maxRecordBytes;
        _leaveOpen = leaveOpen;
        _recordBuffer = _record;
    }

    public int MaxRecordBytes => _maxRecordBytes;

    /// <summary>The 1-based line on which the current record starts.</summary>
    public long Line { get; private set; }

    public int FieldCount { get; private set; }

    public RecordDefect Defect { get; private set; }

    /// <summary>For <see cref="RecordDefect.StrayQuote"/>, the 0-based field where it was found.</summary>
    public int DefectField { get; private set; }

    /// <summary>A record that is one empty, unquoted field: a blank line.</summary>
    public bool IsBlank => Defect == RecordDefect.None && FieldCount == 1 && _fieldEnds[0] == _fieldStarts[0] && _recordLength == 0;

    /// <summary>The record's bytes without its line ending (empty when <see cref="RecordDefect.TooLong"/>).</summary>
    public ReadOnlySpan<byte> Raw => _recordBuffer.AsSpan(_recordOffset, _recordLength);

    /// <summary>The field's text, quotes removed and doubled quotes undone. Only for records without a defect.</summary>
    public string Field(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FieldCount);
        var text = Encoding.UTF8.GetString(FieldBytes(index));
        return _fieldEscaped[index] ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;
    }

    /// <summary>
    /// The field's UTF-8 bytes between its quotes, without decoding (no string per field). Doubled quotes are still
    /// doubled when <see cref="IsEscaped"/>. Only for records without a defect.
    /// </summary>
    public ReadOnlySpan<byte> FieldBytes(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FieldCount);
        return _recordBuffer.AsSpan(_recordOffset + _fieldStarts[index], _fieldEnds[index] - _fieldStarts[index]);
    }

    /// <summary>Whether the quoted field holds doubled quotes (then <see cref="Field"/> undoes them).</summary>
    public bool IsEscaped(int index) => _fieldEscaped[index];

    /// <summary>Moves to the next record; false at the end of the file.</summary>
    public ValueTask<bool> NextAsync(CancellationToken cancellationToken) =>
        TryPlainRecord() ? new ValueTask<bool>(true) : NextAnyAsync(cancellationToken);

    /// <summary>The general loop, byte by byte: quotes, lone \r, a record across chunks or over the limit, the end of the file.</summary>
    private async ValueTask<bool> NextAnyAsync(CancellationToken cancellationToken)
    {
        _recordBuffer = _record;
        _recordOffset = 0;
        _recordLength = 0;
        FieldCount = 0;
        Defect = RecordDefect.None;
        var tooLong = false;
        var inQuotes = false;
        var quoteSeen = false;   // inside a quoted field, the previous byte was a quote
        var afterQuoted = false; // the current field was quoted and has been closed
        var fieldStart = 0;
        var fieldQuoted = false;
        var fieldEscaped = false;
        var started = false;

        while (true)
        {
            if (_chunkPosition == _chunkLength)
            {
                if (!await EnsureDataAsync(cancellationToken))
                {
                    if (!started) return false;
                    if (inQuotes && quoteSeen) { inQuotes = false; afterQuoted = true; EndQuotedText(); }
                    else if (inQuotes) SetDefect(RecordDefect.UnclosedQuote);
                    AddField();
                    break;
                }
            }

            if (started && !inQuotes && !afterQuoted)
            {
                // Plain text runs up to the next quote, comma or line ending: copied in one go rather than byte by byte.
                var rest = _chunk.AsSpan(_chunkPosition, _chunkLength - _chunkPosition);
                var run = rest.IndexOfAny(Specials);
                if (run < 0) run = rest.Length;
                if (run > 0)
                {
                    AppendRange(rest[..run]);
                    _chunkPosition += run;
                    _previousWasCr = false;
                    if (_chunkPosition == _chunkLength) continue;
                }
            }

            var b = _chunk[_chunkPosition++];
            if (!started)
            {
                // The \n of a \r\n whose \r ended the previous record.
                if (b == Lf && _previousWasCr) { _previousWasCr = false; continue; }
                started = true;
                Line = _line;
            }

            CountLine(b);

            if (inQuotes)
            {
                if (quoteSeen)
                {
                    quoteSeen = false;
                    if (b == Quote) { fieldEscaped = true; Append(b); continue; }
                    inQuotes = false;
                    afterQuoted = true;
                    // The closing quote was the previous byte: the field's text ends before it.
                    EndQuotedText();
                }
                else
                {
                    if (b == Quote) quoteSeen = true;
                    Append(b);
                    continue;
                }
            }

            if (b == Comma || b == Lf || b == Cr)
            {
                AddField();
                if (b == Comma)
                {
                    Append(b);
                    fieldStart = _recordLength;
                    fieldQuoted = fieldEscaped = afterQuoted = false;
                    continue;
                }

                break;
            }

            if (afterQuoted) StrayQuote();
            else if (b == Quote)
            {
                if (_recordLength == fieldStart && !fieldQuoted) { fieldQuoted = true; inQuotes = true; }
                else StrayQuote();
            }

            Append(b);
        }

        if (tooLong)
        {
            Defect = RecordDefect.TooLong;
            _recordLength = 0;
        }
        else if (Defect == RecordDefect.None && !Utf8.IsValid(Raw))
        {
            Defect = RecordDefect.InvalidUtf8;
        }

        return true;

        void Append(byte value)
        {
            if (tooLong) return;
            if (_recordLength == _maxRecordBytes) { tooLong = true; return; }
            if (_recordLength == _record.Length) _recordBuffer = Grow(_recordLength + 1);
            _record[_recordLength++] = value;
        }

        void AppendRange(ReadOnlySpan<byte> values)
        {
            if (tooLong) return;
            if (_recordLength + values.Length > _maxRecordBytes) { tooLong = true; return; }
            if (_recordLength + values.Length > _record.Length) _recordBuffer = Grow(_recordLength + values.Length);
            values.CopyTo(_record.AsSpan(_recordLength));
            _recordLength += values.Length;
        }

        void StrayQuote()
        {
            if (Defect == RecordDefect.None) DefectField = FieldCount;
            SetDefect(RecordDefect.StrayQuote);
        }

        void EndQuotedText() => _quotedEnd = _recordLength - 1;

        void AddField()
        {
            if (FieldCount == _fieldStarts.Length)
            {
                Array.Resize(ref _fieldStarts, FieldCount * 2);
                Array.Resize(ref _fieldEnds, FieldCount * 2);
                Array.Resize(ref _fieldEscaped, FieldCount * 2);
            }

            // A quoted field's text lies between its quotes.
            _fieldStarts[FieldCount] = fieldQuoted ? fieldStart + 1 : fieldStart;
            _fieldEnds[FieldCount] = fieldQuoted ? Math.Max(fieldStart + 1, afterQuoted ? _quotedEnd : _recordLength) : _recordLength;
            _fieldEscaped[FieldCount] = fieldEscaped;
            FieldCount++;
        }
    }

    private int _quotedEnd;

    private byte[] Grow(int atLeast)
    {
        Array.Resize(ref _record, Math.Min(Math.Max(_record.Length * 2, atLeast), _maxRecordBytes));
        return _record;
    }

    /// <summary>
    /// The common record, whole in the current chunk, without quotes and ending in \n or \r\n: found with one vector
    /// search for its end and split at its commas by one vector compare per 32 bytes (which also finds a quote or a \r),
    /// read where it lies in the chunk rather than copied, and checked as UTF-8 only when the chunk holds a byte above
    /// 0x7F at or before it. Anything else (a quote, a lone \r, a record across chunks or over the limit) is left to the
    /// general loop, which reads it from the same position.
    /// </summary>
    private bool TryPlainRecord()
    {
        var position = _chunkPosition;
        // The \n of a \r\n whose \r ended the previous record.
        if (_previousWasCr && position < _chunkLength && _chunk[position] == Lf) position++;
        var rest = _chunk.AsSpan(position, _chunkLength - position);
        var end = rest.IndexOf(Lf);
        if (end < 0) return false;
        var length = end > 0 && rest[end - 1] == Cr ? end - 1 : end;
        if (length > _maxRecordBytes || !SplitPlain(position, length)) return false;
        if (_chunkFirstNonAscii < position)
        {
            // Past the chunk's last known byte above 0x7F: the next one from here on.
            var next = rest.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
            _chunkFirstNonAscii = next < 0 ? _chunkLength : position + next;
        }

        _recordBuffer = _chunk;
        _recordOffset = position;
        _recordLength = length;
        _chunkPosition = position + end + 1;
        _previousWasCr = false;
        Line = _line++;
        Defect = position + length > _chunkFirstNonAscii && !Utf8.IsValid(rest[..length]) ? RecordDefect.InvalidUtf8 : RecordDefect.None;
        return true;
    }

    /// <summary>
    /// Sets the fields of the plain record at <paramref name="start"/> in the chunk; false (fields undefined) when it
    /// holds a quote or a \r, which only the general loop reads right.
    /// </summary>
    private bool SplitPlain(int start, int length)
    {
        FieldCount = 0;
        var fieldStart = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var origin = ref MemoryMarshal.GetArrayDataReference(_chunk);
            var commas = Vector256.Create(Comma);
            var quotes = Vector256.Create(Quote);
            var returns = Vector256.Create(Cr);
            // Blocks may read past the record (never past the chunk): bits beyond its length are masked off.
            for (; i < length && start + i + Vector256<byte>.Count <= _chunk.Length; i += Vector256<byte>.Count)
            {
                var block = Vector256.LoadUnsafe(ref origin, (nuint)(start + i));
                var inside = length - i >= 32 ? uint.MaxValue : (1u << (length - i)) - 1;
                if (((Vector256.Equals(block, quotes) | Vector256.Equals(block, returns)).ExtractMostSignificantBits() & inside) != 0) return false;
                for (var mask = Vector256.Equals(block, commas).ExtractMostSignificantBits() & inside; mask != 0; mask &= mask - 1)
                {
                    var comma = i + BitOperations.TrailingZeroCount(mask);
                    AddPlainField(fieldStart, comma);
                    fieldStart = comma + 1;
                }
            }
        }

        // Without 256-bit vectors, and for a record at the very end of the chunk's array.
        for (; i < length; i++)
        {
            var b = _chunk[start + i];
            if (b is Quote or Cr) return false;
            if (b != Comma) continue;
            AddPlainField(fieldStart, i);
            fieldStart = i + 1;
        }

        AddPlainField(fieldStart, length);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddPlainField(int start, int end)
    {
        if (FieldCount == _fieldStarts.Length)
        {
            Array.Resize(ref _fieldStarts, FieldCount * 2);
            Array.Resize(ref _fieldEnds, FieldCount * 2);
            Array.Resize(ref _fieldEscaped, FieldCount * 2);
        }

        _fieldStarts[FieldCount] = start;
        _fieldEnds[FieldCount] = end;
        _fieldEscaped[FieldCount] = false;
        FieldCount++;
    }

    private void SetDefect(RecordDefect defect)
    {
        if (Defect == RecordDefect.None) Defect = defect;
    }

    private void CountLine(byte b)
    {
        if (b == Lf)
        {
            if (!_previousWasCr) _line++;
            _previousWasCr = false;
        }
        else if (b == Cr)
        {
            _line++;
            _previousWasCr = true;
        }
        else
        {
            _previousWasCr = false;
        }
    }

    /// <summary>A loop, not one read: a first chunk that was only a BOM leaves nothing to read.</summary>
    private async ValueTask<bool> EnsureDataAsync(CancellationToken cancellationToken)
    {
        while (_chunkPosition == _chunkLength)
        {
            if (_endOfStream || !await FillAsync(cancellationToken)) return false;
        }

        return true;
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _chunkLength = await _stream.ReadAsync(_chunk, cancellationToken);
        _chunkPosition = 0;
        if (_chunkLength == 0)
        {
            _endOfStream = true;
            return false;
        }

        var nonAscii = _chunk.AsSpan(0, _chunkLength).IndexOfAnyInRange((byte)0x80, (byte)0xFF);
        _chunkFirstNonAscii = nonAscii < 0 ? _chunkLength : nonAscii;

        if (_atFileStart)
        {
            _atFileStart = false;
            if (_chunkLength >= 3 && _chunk[0] == 0xEF && _chunk[1] == 0xBB && _chunk[2] == 0xBF) _chunkPosition = 3;
        }

        return true;
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
