using System.Globalization;

namespace Platform.OperatorConsole.Serving;

/// <summary>One sample of the Prometheus text format: name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads the Prometheus text exposition format (the lines the platform's /metrics serves); comments skipped.</summary>
public static class PrometheusText
{
    public static IEnumerable<PrometheusSample> Parse(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            string name;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            int valueStart;
            if (brace > 0)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                if (close < brace) continue;
                ParseLabels(line[(brace + 1)..close], labels);
                valueStart = close + 1;
            }
            else
            {
                if (space <= 0) continue;
                name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
                valueStart = name.Length;
            }

            var rest = line[valueStart..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rest.Length == 0) continue;
            var value = rest[0] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN,
            };
            yield return new PrometheusSample(name, labels, value);
        }
    }

    private static void ParseLabels(string text, Dictionary<string, string> labels)
    {
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= text.Length || text[eq + 1] != '"') return;
            var key = text[i..eq].Trim().TrimStart(',').Trim();
            var value = new System.Text.StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] == '\\' && j + 1 < text.Length)
                {
                    j++;
                    value.Append(text[j] == 'n' ? '\n' : text[j]);
                }
                else value.Append(text[j]);
            }

            labels[key] = value.ToString();
            i = j + 1;
        }
    }
}
