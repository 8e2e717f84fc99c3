using System.Text.Json;
using Platform.Inference.Serving;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Apis;

/// <summary>
/// Turns <c>{"instances":[{feature: value}]}</c> into a filled <see cref="ScoringBatch"/>, checked against the model's
/// signature with a <see cref="Utf8JsonReader"/> (no DOM, no string per field name). Two passes over the body:
/// the first checks that it is well-formed JSON of the right shape and counts the instances (so the batch is rented
/// at its size and the batch limit is enforced before any work), the second fills the batch. Every problem names
/// its field (<c>instances[2].bmi</c>); nothing reaches ONNX Runtime unvalidated. Other top-level fields are ignored.
/// </summary>
public static class InstanceReader
{
    private static ReadOnlySpan<byte> Instances => "instances"u8;

    public static ScoringBatch? Read(ReadOnlySpan<byte> json, ServedModel model, int maxRows, UnknownFieldPolicy unknownFields, Rejections rejections)
    {
        var rows = Count(json, rejections);
        if (rejections.Any) return null;
        if (rows == 0)
        {
            rejections.Add("instances", "At least one instance is required.");
            return null;
        }

        if (rows > maxRows)
        {
            rejections.AddTooLarge("instances", $"At most {maxRows} instances per request; got {rows}.");
            return null;
        }

        var batch = model.Scorer.RentBatch(rows);
        Fill(json, model.Features, batch, unknownFields, rejections);
        if (!rejections.Any) return batch;
        batch.Dispose();
        return null;
    }

    /// <summary>Pass 1: shape and count. Malformed JSON (truncated, trailing garbage, too deep) is reported, never thrown.</summary>
    private static int Count(ReadOnlySpan<byte> json, Rejections rejections)
    {
        const string shape = "The body must be a JSON object with an 'instances' array of objects.";
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                rejections.Add("instances", shape);
                return 0;
            }

            var rows = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isInstances = reader.ValueTextEquals(Instances);
                reader.Read();
                if (!isInstances)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray || rows >= 0)
                {
                    rejections.Add("instances", rows >= 0 ? "Given more than once." : $"{shape} 'instances' is {FeatureValues.Describe(reader.TokenType)}.");
                    reader.Skip();
                    continue;
                }

                rows = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    rows++;
                    reader.Skip();
                }
            }

            if (reader.Read()) throw new JsonException("Unexpected content after the end of the body.");
            if (rows < 0 && !rejections.Any) rejections.Add("instances", shape);
            return Math.Max(rows, 0);
        }
        catch (JsonException ex)
        {
            rejections.Add("body", $"Malformed JSON: {ex.Message}");
            return 0;
        }
    }

    /// <summary>Pass 2: the body is known to be well-formed and shaped; read every instance into the batch.</summary>
    private static void Fill(ReadOnlySpan<byte> json, FeatureNames names, ScoringBatch batch, UnknownFieldPolicy unknownFields, Rejections rejections)
    {
        var inputs = names.Signature.Inputs;
        Span<bool> seen = inputs.Count <= 512 ? stackalloc bool[inputs.Count] : new bool[inputs.Count];
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isInstances = reader.ValueTextEquals(Instances);
            reader.Read();
            if (isInstances) break;
            reader.Skip();
        }

        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                rejections.Add($"instances[{row}]", $"Each instance must be an object of feature values; got {FeatureValues.Describe(reader.TokenType)}.");
                reader.Skip();
                row++;
                continue;
            }

            seen.Clear();
            var expected = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var feature = names.IndexOf(ref reader, expected);
                if (feature < 0)
                {
                    var unknown = reader.GetString();
                    reader.Read();
                    reader.Skip();
                    if (unknownFields == UnknownFieldPolicy.Reject)
                        rejections.Add($"instances[{row}].{unknown}", "Unknown field: the model does not take it.");
                    continue;
                }

                reader.Read();
                if (seen[feature])
                {
                    reader.Skip();
                    rejections.Add($"instances[{row}].{inputs[feature].Name}", "Given more than once.");
                    continue;
                }

                seen[feature] = true;
                expected = feature + 1;
                if (FeatureValues.Read(ref reader, inputs[feature], batch, feature, row) is { } error)
                    rejections.Add($"instances[{row}].{inputs[feature].Name}", error);
            }

            for (var f = 0; f < inputs.Count; f++)
            {
                if (!seen[f])
                    rejections.Add($"instances[{row}].{inputs[f].Name}", $"Missing; the model needs '{inputs[f].Name}' ({inputs[f].Kind.ToWireName()}).");
            }

            row++;
        }
    }
}
