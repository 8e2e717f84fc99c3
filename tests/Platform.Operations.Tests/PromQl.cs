using System.Text.RegularExpressions;

namespace Platform.Operations.Tests;

/// <summary>The metric names a PromQL expression reads (enough of PromQL for the repository's rules and dashboard).</summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"];

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var bare = Strings().Replace(expression, "\"\"");
        bare = Matchers().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        bare = Groupings().Replace(bare, " ");
        return Identifiers().Matches(bare)
            .Where(m => !m.Groups[2].Success && !Keywords.Contains(m.Groups[1].Value))
            .Select(m => m.Groups[1].Value)
            .ToHashSet();
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    /// <summary>An identifier not preceded by a digit or '$' (numbers, durations, Grafana variables); group 2 when a call follows.</summary>
    [GeneratedRegex(@"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")]
    private static partial Regex Identifiers();
}
