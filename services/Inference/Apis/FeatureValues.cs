using System.Text.Json;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Apis;

/// <summary>
/// Reads one JSON value into a batch for one feature, checking it against the feature's kind: numbers for numeric
/// inputs (finite; null only where the model replaces missing values), true/false for boolean ones (1/0), strings
/// for categorical ones. Returns the reason for a rejection, or null. Leaves the reader on the value's last token.
/// </summary>
public static class FeatureValues
{
    public static string? Read(ref Utf8JsonReader reader, FeatureSpec feature, ScoringBatch batch, int index, int row)
    {
        var token = reader.TokenType;
        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();

        if (token == JsonTokenType.Null)
        {
            if (!feature.AllowsMissing) return "Must not be null: the model was not trained to replace missing values here.";
            if (feature.Kind == ColumnKind.Categorical) batch.SetText(index, row, null);
            else batch.SetNumber(index, row, double.NaN);
            return null;
        }

        switch (feature.Kind)
        {
            case ColumnKind.Categorical:
                if (token != JsonTokenType.String) return $"Must be a string (a category); got {Describe(token)}.";
                batch.SetText(index, row, reader.GetString());
                return null;
            case ColumnKind.Boolean:
                if (token == JsonTokenType.True) batch.SetNumber(index, row, 1);
                else if (token == JsonTokenType.False) batch.SetNumber(index, row, 0);
                else return $"Must be true or false; got {Describe(token)}.";
                return null;
            default:
                if (token != JsonTokenType.Number) return $"Must be a number; got {Describe(token)}.";
                // JSON has no NaN or Infinity literal; a number too large for a double (1e400) is refused here, and so is
                // one outside float32 (3.5e38): the models compute in float32, where it would become infinity.
                if (!reader.TryGetDouble(out var number) || !double.IsFinite(number) || Math.Abs(number) > float.MaxValue)
                    return "Must be a finite number within the range of a 32-bit float (about ±3.4e38).";
                batch.SetNumber(index, row, number);
                return null;
        }
    }

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        _ => "an object",
    };
}
