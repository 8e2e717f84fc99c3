using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Contracts;

/// <summary>
/// The JSON form of a <see cref="LoggedPrediction"/>, written and read by hand: it is the one contract sent per served
/// row (hundreds in every <see cref="PredictionsLogged"/>), and the serializer's general object converter cost the
/// gateway about a seventh of a 100-row request's CPU. The form is the one the general converter gives under both the
/// bus's and the web's options (camelCase names, nulls written), so producers and consumers of either build agree;
/// reading takes the properties in any order and any case, skips unknown ones and leaves <c>missingNumeric</c> null
/// when it is absent (producers before the mask).
/// </summary>
public sealed class LoggedPredictionJson : JsonConverter<LoggedPrediction>
{
    private static readonly JsonEncodedText PredictionId = JsonEncodedText.Encode("predictionId");
    private static readonly JsonEncodedText At = JsonEncodedText.Encode("at");
    private static readonly JsonEncodedText Numeric = JsonEncodedText.Encode("numeric");
    private static readonly JsonEncodedText Categorical = JsonEncodedText.Encode("categorical");
    private static readonly JsonEncodedText Output = JsonEncodedText.Encode("output");
    private static readonly JsonEncodedText Confidence = JsonEncodedText.Encode("confidence");
    private static readonly JsonEncodedText MissingNumeric = JsonEncodedText.Encode("missingNumeric");

    public override void Write(Utf8JsonWriter writer, LoggedPrediction value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(PredictionId, value.PredictionId);
        writer.WriteString(At, value.At);
        WriteArray(writer, Numeric, value.Numeric, ShortDecimal.Write);
        WriteArray(writer, Categorical, value.Categorical, static (w, v) =>
        {
            if (v is null) w.WriteNullValue();
            else w.WriteStringValue(v);
        });
        writer.WriteString(Output, value.Output);
        if (value.Confidence is { } confidence) writer.WriteNumber(Confidence, confidence);
        else writer.WriteNull(Confidence);
        WriteArray(writer, MissingNumeric, value.MissingNumeric, static (w, v) => w.WriteNumberValue(v));
        writer.WriteEndObject();
    }

    public override LoggedPrediction Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("A logged prediction is a JSON object.");
        Guid? id = null;
        DateTimeOffset? at = null;
        double[]? numeric = null;
        string?[]? categorical = null;
        string? output = null;
        double? confidence = null;
        int[]? missing = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("Expected a property of a logged prediction.");
            var name = Name(ref reader);
            reader.Read();
            switch (name)
            {
                case Property.PredictionId: id = reader.TokenType == JsonTokenType.Null ? null : reader.GetGuid(); break;
                case Property.At: at = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset(); break;
                case Property.Numeric: numeric = ReadArray(ref reader, options, static (ref r, o) => ReadNumber(ref r, o, static (ref n) => n.GetDouble(), double.Parse)); break;
                case Property.Categorical: categorical = ReadArray(ref reader, options, static (ref r, _) => r.TokenType == JsonTokenType.Null ? null : r.GetString()); break;
                case Property.Output: output = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                case Property.Confidence:
                    confidence = reader.TokenType == JsonTokenType.Null ? null : ReadNumber(ref reader, options, static (ref r) => r.GetDouble(), double.Parse);
                    break;
                case Property.MissingNumeric: missing = ReadArray(ref reader, options, static (ref r, o) => ReadNumber(ref r, o, static (ref n) => n.GetInt32(), int.Parse)); break;
                default: reader.Skip(); break;
            }
        }

        // The constructor's parameters that are not nullable, as the general converter requires them.
        return new LoggedPrediction(
            id ?? throw Missing("predictionId"),
            at ?? throw Missing("at"),
            numeric ?? throw Missing("numeric"),
            categorical ?? throw Missing("categorical"),
            output ?? throw Missing("output"),
            confidence,
            missing);
    }

    private enum Property { Unknown, PredictionId, At, Numeric, Categorical, Output, Confidence, MissingNumeric }

    private static Property Name(ref Utf8JsonReader reader)
    {
        // Names are short ASCII: compared without allocating, in any case (both the bus's and the web's options read
        // names case-insensitively).
        Span<char> buffer = stackalloc char[16];
        if (reader.HasValueSequence || reader.ValueSpan.Length > buffer.Length || reader.ValueIsEscaped)
            return Of(reader.GetString()!);
        var length = System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, buffer);
        return Of(buffer[..length]);
    }

    private static Property Of(ReadOnlySpan<char> name) =>
        Is(name, PredictionId) ? Property.PredictionId
        : Is(name, At) ? Property.At
        : Is(name, Numeric) ? Property.Numeric
        : Is(name, Categorical) ? Property.Categorical
        : Is(name, Output) ? Property.Output
        : Is(name, Confidence) ? Property.Confidence
        : Is(name, MissingNumeric) ? Property.MissingNumeric
        : Property.Unknown;

    /// <summary>The name read is the one written (<paramref name="written"/>), in any case.</summary>
    private static bool Is(ReadOnlySpan<char> name, JsonEncodedText written) => name.Equals(written.Value, StringComparison.OrdinalIgnoreCase);

    private delegate T Reader<out T>(ref Utf8JsonReader reader);

    private delegate T ElementReader<out T>(ref Utf8JsonReader reader, JsonSerializerOptions options);

    /// <summary>A number, or (when the options allow it, as the web's do) a number written as a string.</summary>
    private static T ReadNumber<T>(ref Utf8JsonReader reader, JsonSerializerOptions options, Reader<T> number, Func<string, IFormatProvider, T> parse)
    {
        if (reader.TokenType == JsonTokenType.String && options.NumberHandling.HasFlag(JsonNumberHandling.AllowReadingFromString))
            return parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        return number(ref reader);
    }

    private static T[]? ReadArray<T>(ref Utf8JsonReader reader, JsonSerializerOptions options, ElementReader<T> element)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Expected an array in a logged prediction.");
        var values = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) values.Add(element(ref reader, options));
        return values.ToArray();
    }

    private static void WriteArray<T>(Utf8JsonWriter writer, JsonEncodedText name, T[]? values, Action<Utf8JsonWriter, T> write)
    {
        if (values is null)
        {
            writer.WriteNull(name);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values) write(writer, value);
        writer.WriteEndArray();
    }

    private static JsonException Missing(string name) => new($"A logged prediction lacks '{name}'.");
}
