using System.Buffers.Binary;
using System.Text;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>
/// The spool's binary form of one write (a request's rows): little-endian, strings as a byte length (-1 for null) and
/// UTF-8. Consecutive rows of one model version share a header (model, version, feature names), so a 100-row request
/// names its model once. Framing and checksum are the segment's (<see cref="SpoolSegment"/>); this is the payload.
/// </summary>
/// <remarks>A hand-written format rather than JSON: it runs on the predict path, and it only ever meets its own reader.</remarks>
public static class SpoolRecord
{
    private const byte Format = 1;

    /// <summary>Encodes <paramref name="records"/> into <paramref name="buffer"/> (grown as needed); returns the bytes used.</summary>
    public static int Encode(PredictionRecord[] records, ref byte[] buffer)
    {
        var writer = new Writer(buffer);
        writer.Byte(Format);
        writer.Int(records.Length);
        for (var start = 0; start < records.Length;)
        {
            var first = records[start];
            var end = start + 1;
            while (end < records.Length && SameHeader(first, records[end])) end++;
            writer.String(first.Model);
            writer.Int(first.Version);
            writer.Strings(first.NumericFeatures);
            writer.Strings(first.CategoricalFeatures);
            writer.Int(end - start);
            for (var i = start; i < end; i++) Row(ref writer, records[i].Prediction);
            start = end;
        }

        buffer = writer.Buffer;
        return writer.Length;
    }

    /// <summary>The rows of one payload; throws <see cref="InvalidDataException"/> on a payload it cannot read.</summary>
    public static PredictionRecord[] Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new Reader(payload);
        if (reader.Byte() != Format) throw new InvalidDataException("Unknown spool record format.");
        var records = new PredictionRecord[reader.Count()];
        var next = 0;
        while (next < records.Length)
        {
            var model = reader.String() ?? throw new InvalidDataException("A spool record without a model.");
            var version = reader.Int();
            var numeric = reader.Strings();
            var categorical = reader.Strings();
            var rows = reader.Count();
            if (rows == 0 || rows > records.Length - next) throw new InvalidDataException("A spool record's row count does not add up.");
            for (var i = 0; i < rows; i++) records[next++] = new PredictionRecord(model, version, numeric, categorical, ReadRow(ref reader));
        }

        if (!reader.AtEnd) throw new InvalidDataException("A spool record with trailing bytes.");
        return records;
    }

    private static bool SameHeader(PredictionRecord a, PredictionRecord b) =>
        a.Version == b.Version && ReferenceEquals(a.NumericFeatures, b.NumericFeatures)
        && ReferenceEquals(a.CategoricalFeatures, b.CategoricalFeatures) && string.Equals(a.Model, b.Model, StringComparison.Ordinal);

    private static void Row(ref Writer writer, LoggedPrediction row)
    {
        writer.Guid(row.PredictionId);
        writer.Long(row.At.UtcTicks);
        writer.Short((short)row.At.Offset.TotalMinutes);
        writer.Doubles(row.Numeric);
        writer.Int(row.Categorical.Length);
        foreach (var text in row.Categorical) writer.String(text);
        writer.String(row.Output);
        writer.Byte(row.Confidence.HasValue ? (byte)1 : (byte)0);
        if (row.Confidence is { } confidence) writer.Double(confidence);
        writer.Int(row.MissingNumeric?.Length ?? -1);
        foreach (var index in row.MissingNumeric ?? []) writer.Int(index);
    }

    private static LoggedPrediction ReadRow(ref Reader reader)
    {
        var id = reader.Guid();
        var ticks = reader.Long();
        var offset = TimeSpan.FromMinutes(reader.Short());
        var numeric = reader.Doubles();
        var categorical = new string?[reader.Count()];
        for (var i = 0; i < categorical.Length; i++) categorical[i] = reader.String();
        var output = reader.String() ?? throw new InvalidDataException("A spooled row without an output.");
        double? confidence = reader.Byte() == 1 ? reader.Double() : null;
        var missingCount = reader.Int();
        int[]? missing = null;
        if (missingCount >= 0)
        {
            missing = new int[Math.Min(missingCount, reader.Remaining / 4)];
            if (missing.Length != missingCount) throw new InvalidDataException("A spooled row's missing mask is cut short.");
            for (var i = 0; i < missing.Length; i++) missing[i] = reader.Int();
        }

        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) throw new InvalidDataException("A spooled row's time is out of range.");
        var at = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
        return new LoggedPrediction(id, at, numeric, categorical, output, confidence, missing);
    }

    private ref struct Writer(byte[] buffer)
    {
        public byte[] Buffer = buffer;
        public int Length;

        private Span<byte> Take(int bytes)
        {
            if (Buffer.Length - Length < bytes) Array.Resize(ref Buffer, Math.Max(Buffer.Length * 2, Length + bytes));
            var span = Buffer.AsSpan(Length, bytes);
            Length += bytes;
            return span;
        }

        public void Byte(byte value) => Take(1)[0] = value;
        public void Short(short value) => BinaryPrimitives.WriteInt16LittleEndian(Take(2), value);
        public void Int(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);
        public void Long(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);
        public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);
        public void Guid(Guid value) => value.TryWriteBytes(Take(16));

        public void Doubles(double[] values)
        {
            Int(values.Length);
            var span = Take(values.Length * 8);
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(span[(i * 8)..], values[i]);
        }

        public void String(string? value)
        {
            if (value is null)
            {
                Int(-1);
                return;
            }

            var lengthAt = Length;
            Int(0);
            var written = Encoding.UTF8.GetBytes(value, Take(Encoding.UTF8.GetMaxByteCount(value.Length)));
            Length = lengthAt + 4 + written; // give back what the worst case took beyond the bytes written
            BinaryPrimitives.WriteInt32LittleEndian(Buffer.AsSpan(lengthAt), written);
        }

        public void Strings(IReadOnlyList<string> values)
        {
            Int(values.Count);
            for (var i = 0; i < values.Count; i++) String(values[i]);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;
        public readonly int Remaining => _data.Length - _at;

        private ReadOnlySpan<byte> Take(int bytes)
        {
            if (bytes < 0 || _data.Length - _at < bytes) throw new InvalidDataException("A spool record is cut short.");
            var span = _data.Slice(_at, bytes);
            _at += bytes;
            return span;
        }

        public byte Byte() => Take(1)[0];
        public short Short() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));
        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
        public Guid Guid() => new(Take(16));

        /// <summary>A count that cannot exceed what is left (each counted item takes at least a byte).</summary>
        public int Count()
        {
            var count = Int();
            if (count < 0 || count > Remaining) throw new InvalidDataException("A spool record's count is out of range.");
            return count;
        }

        public double[] Doubles()
        {
            var count = Count();
            var span = Take(count * 8);
            var values = new double[count];
            for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(span[(i * 8)..]);
            return values;
        }

        public string? String()
        {
            var length = Int();
            return length == -1 ? null : Encoding.UTF8.GetString(Take(length));
        }

        public string[] Strings()
        {
            var values = new string[Count()];
            for (var i = 0; i < values.Length; i++) values[i] = String() ?? throw new InvalidDataException("A null feature name in a spool record.");
            return values;
        }
    }
}
