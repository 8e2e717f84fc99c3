using System.Buffers;
using System.Globalization;
using System.Text;
using Platform.Ml.Data;
using Platform.Ml.Data.Profiling;

namespace Platform.Ingestion.Validation;

/// <summary>What one field of a record holds, as the validator and the profile need to know it.</summary>
internal enum CellKind
{
    /// <summary>Empty, NA, N/A, NaN or null (<see cref="CsvTableReader.IsMissing"/>).</summary>
    Missing,
    /// <summary>Parses as a number (invariant culture, <see cref="NumberStyles.Float"/>).</summary>
    Number,
    Text,
}

/// <summary>
/// The fields of the current record, each looked at once: straight from the record's UTF-8 bytes when the field is
/// plain ASCII (no string, no allocation for a number or a missing value), through a string otherwise. A field's text
/// is decoded only when something needs it (a category, a problem's message). Reused for every record of a pass.
/// </summary>
internal sealed class RowValues(int columns)
{
    /// <summary>C0 control characters but tab, CR and LF, and DEL: in UTF-8 these bytes are always those characters.</summary>
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        Enumerable.Range(0, 32).Where(c => c is not ('\t' or '\r' or '\n')).Select(c => (byte)c).Append((byte)0x7f).ToArray());

    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        Enumerable.Range(0, 32).Where(c => c is not ('\t' or '\r' or '\n')).Select(c => (char)c).Append('\x7f').ToArray());

    private readonly CellKind[] _kinds = new CellKind[columns];
    private readonly double[] _numbers = new double[columns];
    private readonly bool[] _control = new bool[columns];
    private readonly string?[] _texts = new string?[columns];
    private CsvRecordScanner? _scanner;

    public int Count => _kinds.Length;

    public CellKind Kind(int column) => _kinds[column];

    public double Number(int column) => _numbers[column];

    /// <summary>Whether the field holds a control character that fields may not hold (<see cref="ControlCharacterAt"/>).</summary>
    public bool HasControlCharacter(int column) => _control[column];

    /// <summary>Reads every field of the scanner's current record (which must have the row's field count and no defect).</summary>
    public void Read(CsvRecordScanner scanner)
    {
        _scanner = scanner;
        for (var i = 0; i < _kinds.Length; i++)
        {
            _texts[i] = null;
            var bytes = scanner.FieldBytes(i);
            // Most fields of a numeric file are plain decimals (ASCII by construction): recognised and converted in one
            // look, with nothing else to check.
            if (PlainDecimal.TryParse(bytes, out _numbers[i]))
            {
                _control[i] = false;
                _kinds[i] = CellKind.Number;
                continue;
            }

            if (scanner.IsEscaped(i) || !Ascii.IsValid(bytes)) ReadText(i, scanner.Field(i));
            else ReadAscii(i, bytes);
        }
    }

    /// <summary>The field as written (untrimmed), for a problem's message.</summary>
    public string Raw(int column) => _scanner!.Field(column);

    /// <summary>The field's text without surrounding white space (decoded once, on first use).</summary>
    public string Trimmed(int column) => _texts[column] ??= Raw(column).Trim();

    /// <summary>The 0-based position of the first control character in <see cref="Raw"/>, and the character.</summary>
    public (int At, char Character) ControlCharacterAt(int column)
    {
        var raw = Raw(column);
        var at = raw.AsSpan().IndexOfAny(ControlCharacters);
        return (at, raw[at]);
    }

    /// <summary>Adds the record to a profile (one value per column), then ends the row.</summary>
    public void AddTo(ProfileBuilder profile)
    {
        for (var i = 0; i < _kinds.Length; i++)
        {
            switch (_kinds[i])
            {
                case CellKind.Missing:
                    profile.AddMissingValue(i);
                    break;
                case CellKind.Number:
                    profile.AddNumberValue(i, _numbers[i], profile.NeedsText(i) ? Trimmed(i) : null);
                    break;
                default:
                    profile.AddTextValue(i, Trimmed(i));
                    break;
            }
        }

        profile.EndRow();
    }

    private void ReadAscii(int i, ReadOnlySpan<byte> bytes)
    {
        _control[i] = bytes.IndexOfAny(ControlBytes) >= 0;
        var trimmed = bytes.Trim(" \t\n\v\f\r"u8);
        if (IsMissing(trimmed)) _kinds[i] = CellKind.Missing;
        else if (double.TryParse(bytes, NumberStyles.Float, CultureInfo.InvariantCulture, out _numbers[i])) _kinds[i] = CellKind.Number;
        else _kinds[i] = CellKind.Text;
    }

    private void ReadText(int i, string value)
    {
        _control[i] = value.AsSpan().IndexOfAny(ControlCharacters) >= 0;
        if (CsvTableReader.IsMissing(value)) _kinds[i] = CellKind.Missing;
        // Trimmed as the profile has always parsed it: Unicode spaces (U+00A0) are not white space to NumberStyles.Float.
        else if (double.TryParse(_texts[i] = value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _numbers[i])) _kinds[i] = CellKind.Number;
        else _kinds[i] = CellKind.Text;
    }

    /// <summary><see cref="CsvTableReader.IsMissing"/> on trimmed ASCII bytes.</summary>
    private static bool IsMissing(ReadOnlySpan<byte> trimmed) =>
        trimmed.Length switch
        {
            0 => true,
            2 => Ascii.EqualsIgnoreCase(trimmed, "NA"u8),
            3 => Ascii.EqualsIgnoreCase(trimmed, "N/A"u8) || Ascii.EqualsIgnoreCase(trimmed, "NaN"u8),
            4 => Ascii.EqualsIgnoreCase(trimmed, "null"u8),
            _ => false,
        };
}
