using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Operations.Tests;

/// <summary>Samples of the Prometheus text exposition format: <c>name{labels} value</c>, comments skipped.</summary>
public static partial class PrometheusText
{
    public sealed record Sample(string Name, string Labels, double Value)
    {
        public string? Label(string name) => LabelPattern().Matches(Labels).FirstOrDefault(m => m.Groups[1].Value == name)?.Groups[2].Value;
    }

    public static IReadOnlyList<Sample> Parse(string text) =>
        text.Split('\n')
            .Select(line => SamplePattern().Match(line))
            .Where(m => m.Success)
            .Select(m => new Sample(m.Groups[1].Value, m.Groups[2].Value, double.Parse(m.Groups[3].Value.Replace("+Inf", "Infinity"), CultureInfo.InvariantCulture)))
            .ToList();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
