using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Cli.Infrastructure;

/// <summary>
/// The CLI's JSON: camelCase properties (dictionary keys such as metric names kept as they are), enums as wire names,
/// indented, and NaN or infinity written as null (JSON has no such numbers; e.g. AUC on a fold with one class).
/// </summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new FiniteDoubleConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes exactly one JSON document and a newline.</summary>
    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(Serialize(value));

    private sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }

        public override bool HandleNull => true;
    }
}
