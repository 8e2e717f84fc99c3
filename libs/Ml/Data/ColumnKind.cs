using System.Text.Json.Serialization;

namespace Platform.Ml.Data;

/// <summary>In JSON, a kind is its wire name ("numeric", "categorical", "boolean"), not a number.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColumnKind>))]
public enum ColumnKind
{
    [JsonStringEnumMemberName("numeric")] Numeric,
    [JsonStringEnumMemberName("categorical")] Categorical,
    [JsonStringEnumMemberName("boolean")] Boolean,
}

public static class ColumnKindNames
{
    public static string ToWireName(this ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => "numeric",
        ColumnKind.Categorical => "categorical",
        ColumnKind.Boolean => "boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? value, out ColumnKind kind)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "numeric": kind = ColumnKind.Numeric; return true;
            case "categorical": kind = ColumnKind.Categorical; return true;
            case "boolean": kind = ColumnKind.Boolean; return true;
            default: kind = default; return false;
        }
    }
}
