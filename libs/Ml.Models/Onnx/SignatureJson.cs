using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Ml.Models.Onnx;

/// <summary>The model signature as stored in the ONNX metadata (key <see cref="MetadataKey"/>): camelCase JSON, enums as wire names.</summary>
public static class SignatureJson
{
    public const string MetadataKey = "platform.signature";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(ModelSignature signature) => JsonSerializer.Serialize(signature, Options);

    public static ModelSignature Deserialize(string json) =>
        JsonSerializer.Deserialize<ModelSignature>(json, Options) ?? throw new JsonException("The signature JSON is null.");
}
