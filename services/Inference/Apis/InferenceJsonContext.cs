using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Contracts;
using Platform.Inference.Serving;
using Platform.Ml;

namespace Platform.Inference.Apis;

/// <summary>The v2 model metadata (Open Inference Protocol), snake_case on the wire.</summary>
public sealed record TensorMetadata(string Name, string Datatype, long[] Shape);

public sealed record ModelMetadataResponse(string Name, string[] Versions, string Platform, TensorMetadata[] Inputs, TensorMetadata[] Outputs);

public sealed record ServerLiveResponse(bool Live);

/// <summary>Documents the predict response (written directly with a Utf8JsonWriter, see <see cref="PredictionWriter"/>).</summary>
public sealed record PredictResponse(string Model, int Version, object[] Predictions, Guid[] PredictionIds);

/// <summary>
/// Source-generated serialisation for every type this service reads or writes with System.Text.Json outside the
/// hand-written hot path: no reflection, no warm-up cost per type.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModelSignature))]
[JsonSerializable(typeof(ModelVersionResponse))]
[JsonSerializable(typeof(List<RegisteredModelResponse>))]
[JsonSerializable(typeof(ServerLiveResponse))]
[JsonSerializable(typeof(PredictResponse))]
public sealed partial class InferenceJsonContext : JsonSerializerContext;

/// <summary>The Open Inference Protocol's snake_case names.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ModelMetadataResponse))]
public sealed partial class OpenInferenceJsonContext : JsonSerializerContext;
