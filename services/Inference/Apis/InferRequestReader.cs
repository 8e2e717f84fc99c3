using System.Text.Json;
using Platform.Inference.Serving;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Apis;

/// <summary>
/// Reads an Open Inference Protocol v2 request, <c>{"id"?, "inputs":[{"name","shape","datatype","data"}]}</c>, into a
/// <see cref="ScoringBatch"/>. One input tensor per feature, named as the feature, of shape <c>[N]</c> or <c>[N,1]</c>;
/// <c>data</c> flat or nested (row-major). Datatypes: FP32, FP64, INT64 (and INT32) for numeric features, BOOL or a
/// number for boolean ones, BYTES for categorical ones. The requested <c>outputs</c> are ignored: every output is
/// returned. Pass 1 checks the shape and remembers where each tensor's data starts; pass 2 reads the data.
/// </summary>
public static class InferRequestReader
{
    private readonly record struct Tensor(int Feature, string Name, string? Datatype, int Rows, int DataStart);

    public static ScoringBatch? Read(ReadOnlySpan<byte> json, ServedModel model, int maxRows, UnknownFieldPolicy unknownFields,
        Rejections rejections, out string? requestId)
    {
        requestId = null;
        var tensors = new List<Tensor>(model.Features.Count);
        try
        {
            requestId = Scan(json, model.Features, unknownFields, tensors, rejections);
        }
        catch (JsonException ex)
        {
            rejections.Add("body", $"Malformed JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            rejections.Add("body", $"Unexpected JSON value: {ex.Message}");
        }

        if (rejections.Any) return null;

        var inputs = model.Signature.Inputs;
        for (var f = 0; f < inputs.Count; f++)
        {
            if (!tensors.Exists(t => t.Feature == f))
                rejections.Add($"inputs.{inputs[f].Name}", $"Missing; the model needs an input tensor '{inputs[f].Name}' ({inputs[f].Kind.ToWireName()}, shape [N,1]).");
        }

        var rows = tensors.Count > 0 ? tensors[0].Rows : 0;
        foreach (var tensor in tensors)
        {
            if (tensor.Rows != rows) rejections.Add($"inputs.{tensor.Name}", $"Has {tensor.Rows} rows; '{tensors[0].Name}' has {rows}: every input needs the same N.");
            if (!Accepts(inputs[tensor.Feature].Kind, tensor.Datatype))
                rejections.Add($"inputs.{tensor.Name}", $"Datatype '{tensor.Datatype}' does not fit a {inputs[tensor.Feature].Kind.ToWireName()} feature ({Expected(inputs[tensor.Feature].Kind)}).");
        }

        if (rejections.Any) return null;
        if (rows == 0)
        {
            rejections.Add("inputs", "At least one row is required.");
            return null;
        }

        if (rows > maxRows)
        {
            rejections.AddTooLarge("inputs", $"At most {maxRows} rows per request; got {rows}.");
            return null;
        }

        var batch = model.Scorer.RentBatch(rows);
        foreach (var tensor in tensors) Fill(json[tensor.DataStart..], inputs[tensor.Feature], tensor, batch, rejections);
        if (!rejections.Any) return batch;
        batch.Dispose();
        return null;
    }

    private static string? Scan(ReadOnlySpan<byte> json, FeatureNames names, UnknownFieldPolicy unknownFields, List<Tensor> tensors, Rejections rejections)
    {
        const string shape = "The body must be a JSON object with an 'inputs' array of tensors {name, shape, datatype, data}.";
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        string? id = null;
        var found = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            rejections.Add("inputs", shape);
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String) id = reader.GetString();
                else reader.Skip();
                continue;
            }

            if (!reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                rejections.Add("inputs", shape);
                reader.Skip();
                continue;
            }

            found = true;
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ScanTensor(ref reader, index++, names, unknownFields, tensors, rejections);
            }
        }

        if (reader.Read()) throw new JsonException("Unexpected content after the end of the body.");
        if (!found && !rejections.Any) rejections.Add("inputs", shape);
        return id;
    }

    private static void ScanTensor(ref Utf8JsonReader reader, int index, FeatureNames names, UnknownFieldPolicy unknownFields, List<Tensor> tensors, Rejections rejections)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            rejections.Add($"inputs[{index}]", "Each input must be an object {name, shape, datatype, data}.");
            reader.Skip();
            return;
        }

        string? name = null, datatype = null;
        int? rows = null;
        var dataStart = -1;
        var shapeError = (string?)null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8)) { reader.Read(); name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; reader.Skip(); }
            else if (reader.ValueTextEquals("datatype"u8)) { reader.Read(); datatype = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; reader.Skip(); }
            else if (reader.ValueTextEquals("shape"u8)) { reader.Read(); (rows, shapeError) = ReadShape(ref reader); }
            else if (reader.ValueTextEquals("data"u8)) { reader.Read(); dataStart = (int)reader.TokenStartIndex; reader.Skip(); }
            else { reader.Read(); reader.Skip(); }
        }

        var field = name is null ? $"inputs[{index}]" : $"inputs.{name}";
        if (name is null) { rejections.Add(field, "Needs a string 'name' (the feature)."); return; }
        var feature = names.IndexOf(name);
        if (feature < 0)
        {
            if (unknownFields == UnknownFieldPolicy.Reject) rejections.Add(field, "Unknown input: the model does not take it.");
            return;
        }

        if (tensors.Exists(t => t.Feature == feature)) { rejections.Add(field, "Given more than once."); return; }
        if (shapeError is not null) { rejections.Add(field, shapeError); return; }
        if (rows is null) { rejections.Add(field, "Needs a 'shape' ([N] or [N,1])."); return; }
        if (dataStart < 0) { rejections.Add(field, "Needs 'data'."); return; }
        tensors.Add(new Tensor(feature, name, datatype, rows.Value, dataStart));
    }

    private static (int? Rows, string? Error) ReadShape(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return (null, "'shape' must be an array of integers: [N] or [N,1].");
        }

        Span<long> dims = stackalloc long[3];
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim) || dim < 0 || count == 3)
            {
                reader.Skip();
                count = 4;
                continue;
            }

            dims[count++] = dim;
        }

        if (count == 1 || (count == 2 && dims[1] == 1)) return ((int)Math.Min(dims[0], int.MaxValue), null);
        return (null, "'shape' must be [N] or [N,1]: one feature per input tensor.");
    }

    /// <summary>Reads the data array (flat or nested, row-major) into the batch, checking the element count against the shape.</summary>
    private static void Fill(ReadOnlySpan<byte> data, FeatureSpec feature, Tensor tensor, ScoringBatch batch, Rejections rejections)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        var field = $"inputs.{tensor.Name}";
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            rejections.Add(field, "'data' must be an array.");
            return;
        }

        var row = 0;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray) continue; // nested rows flatten
            if (row >= tensor.Rows)
            {
                row++;
                if (reader.TokenType == JsonTokenType.StartObject) reader.Skip();
                continue;
            }

            if (FeatureValues.Read(ref reader, feature, batch, tensor.Feature, row) is { } error)
                rejections.Add($"{field}[{row}]", error);
            if (tensor.Datatype is "INT64" or "INT32" && reader.TokenType == JsonTokenType.Number && !reader.TryGetInt64(out _))
                rejections.Add($"{field}[{row}]", $"Must be an integer ({tensor.Datatype}).");
            row++;
        }

        if (row != tensor.Rows) rejections.Add(field, $"Has {row} values; shape [{tensor.Rows},1] needs {tensor.Rows}.");
    }

    private static bool Accepts(ColumnKind kind, string? datatype) => kind switch
    {
        ColumnKind.Categorical => datatype == "BYTES",
        ColumnKind.Boolean => datatype == "BOOL",
        _ => datatype is "FP32" or "FP64" or "INT64" or "INT32",
    };

    private static string Expected(ColumnKind kind) => kind switch
    {
        ColumnKind.Categorical => "BYTES",
        ColumnKind.Boolean => "BOOL",
        _ => "FP32, FP64 or INT64",
    };

    /// <summary>The v2 datatype a feature is described with in metadata.</summary>
    public static string DatatypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Categorical => "BYTES",
        ColumnKind.Boolean => "BOOL",
        _ => "FP32",
    };
}
