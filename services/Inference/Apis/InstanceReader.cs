using System.Text.Json;
using Platform.Ml;
using Platform.Ml.Data;

namespace Platform.Inference.Apis;

/// <summary>
/// Turns <c>{"instances":[{feature: value}]}</c> into a typed table checked against the model's signature. Every
/// problem names its field (<c>instances[2].bmi</c>); nothing reaches ONNX Runtime unvalidated.
/// </summary>
public static class InstanceReader
{
    public sealed record Parsed(Table? Table, Dictionary<string, string[]> Errors, bool TooLarge);

    public static Parsed Read(JsonElement body, ModelSignature signature, int maxRows, UnknownFieldPolicy unknownFields)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array)
        {
            errors["instances"] = ["The body must be an object with an 'instances' array of objects."];
            return new Parsed(null, errors, false);
        }

        var rows = instances.GetArrayLength();
        if (rows == 0) errors["instances"] = ["At least one instance is required."];
        if (rows > maxRows) return new Parsed(null, new() { ["instances"] = [$"At most {maxRows} instances per request; got {rows}."] }, true);

        var known = signature.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var numbers = signature.Inputs.ToDictionary(i => i.Name, i => i.Kind == ColumnKind.Categorical ? null : new double[rows]);
        var texts = signature.Inputs.ToDictionary(i => i.Name, i => i.Kind == ColumnKind.Categorical ? new string?[rows] : null);

        var row = 0;
        foreach (var instance in instances.EnumerateArray())
        {
            var prefix = $"instances[{row}]";
            if (instance.ValueKind != JsonValueKind.Object)
            {
                errors[prefix] = ["Each instance must be an object of feature values."];
                row++;
                continue;
            }

            foreach (var input in signature.Inputs)
            {
                var field = $"{prefix}.{input.Name}";
                if (!instance.TryGetProperty(input.Name, out var value))
                {
                    errors[field] = [$"Missing; the model needs '{input.Name}' ({input.Kind.ToWireName()})."];
                    continue;
                }

                var error = input.Kind switch
                {
                    ColumnKind.Categorical => ReadText(value, input, texts[input.Name]!, row),
                    ColumnKind.Boolean => ReadBoolean(value, input, numbers[input.Name]!, row),
                    _ => ReadNumber(value, input, numbers[input.Name]!, row),
                };
                if (error is not null) errors[field] = [error];
            }

            if (unknownFields == UnknownFieldPolicy.Reject)
            {
                foreach (var property in instance.EnumerateObject())
                {
                    if (!known.Contains(property.Name))
                        errors[$"{prefix}.{property.Name}"] = ["Unknown field: the model does not take it."];
                }
            }

            row++;
        }

        if (errors.Count > 0) return new Parsed(null, errors, false);
        var columns = signature.Inputs.Select(input => input.Kind switch
        {
            ColumnKind.Categorical => TableColumn.Categorical(input.Name, texts[input.Name]!),
            ColumnKind.Boolean => TableColumn.Boolean(input.Name, numbers[input.Name]!),
            _ => TableColumn.Numeric(input.Name, numbers[input.Name]!),
        }).ToArray();
        return new Parsed(new Table(columns), errors, false);
    }

    private static string? ReadNumber(JsonElement value, FeatureSpec input, double[] target, int row)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!input.AllowsMissing) return "Must not be null: the model was not trained to replace missing values here.";
            target[row] = double.NaN;
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
            return $"Must be a number; got {Describe(value)}.";
        if (!double.IsFinite(number)) return "Must be a finite number.";
        target[row] = number;
        return null;
    }

    private static string? ReadBoolean(JsonElement value, FeatureSpec input, double[] target, int row)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True: target[row] = 1; return null;
            case JsonValueKind.False: target[row] = 0; return null;
            case JsonValueKind.Null when input.AllowsMissing: target[row] = double.NaN; return null;
            default: return $"Must be true or false; got {Describe(value)}.";
        }
    }

    private static string? ReadText(JsonElement value, FeatureSpec input, string?[] target, int row)
    {
        if (value.ValueKind == JsonValueKind.Null && input.AllowsMissing) return null;
        if (value.ValueKind != JsonValueKind.String) return $"Must be a string (a category); got {Describe(value)}.";
        target[row] = value.GetString();
        return null;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
