using System.Globalization;
using System.Text.Json;

namespace Platform.OperatorConsole.Components;

/// <summary>How numbers, times and JSON values read on the pages.</summary>
public static class Format
{
    public static string Number(double? value) => value switch
    {
        null => "–",
        { } v when double.IsNaN(v) => "NaN",
        { } v when v != 0 && (Math.Abs(v) >= 1e5 || Math.Abs(v) < 1e-3) => v.ToString("0.###e0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.####", CultureInfo.InvariantCulture),
    };

    public static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    public static string Short(Guid id) => id.ToString("N")[..8];

    /// <summary>The properties of a JSON object as (name, text) pairs; nothing for anything else.</summary>
    public static IEnumerable<(string Name, string Value)> Pairs(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => (p.Name, Text(p.Value))) : [];

    public static double? Metric(JsonElement? metrics, string? name) =>
        name is not null && metrics is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => Number(value.GetDouble()),
        JsonValueKind.String => value.GetString() ?? "",
        _ => value.ToString(),
    };
}
