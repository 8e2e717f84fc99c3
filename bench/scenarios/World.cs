using System.Globalization;
using System.Text;

namespace Platform.Bench.Scenarios;

/// <summary>
/// A simulated world with five numeric features and a target. At the change point the inputs shift (x1 mean +1.5,
/// x2 mean −1: covariate shift) and the relationship changes (the weights of x1 and x3 flip sign, x2's doubles).
/// Regression: y = w·x + N(0, 0.5²). Classification: "yes" when w·x + N(0, 0.5²) > 0, else "no".
/// </summary>
public sealed class World(bool classification, int seed)
{
    public static readonly string[] Features = ["x1", "x2", "x3", "x4", "x5"];
    private static readonly double[] Before = [1.5, -2.0, 1.0, 0.5, -0.5];
    private static readonly double[] After = [-1.5, -4.0, -1.0, 0.5, -0.5];
    private readonly Random _random = new(seed);

    public bool Classification => classification;
    public bool Changed { get; set; }

    public (double[] X, string Y) Next()
    {
        var x = new double[Features.Length];
        for (var i = 0; i < x.Length; i++) x[i] = Normal();
        if (Changed)
        {
            x[0] += 1.5;
            x[1] -= 1.0;
        }

        var w = Changed ? After : Before;
        var score = x.Select((v, i) => v * w[i]).Sum() + 0.5 * Normal();
        var y = classification ? (score > 0 ? "yes" : "no") : score.ToString("R", CultureInfo.InvariantCulture);
        return (x, y);
    }

    public static string Csv(IEnumerable<(double[] X, string Y)> rows)
    {
        var csv = new StringBuilder(string.Join(',', Features) + ",y\n");
        foreach (var (x, y) in rows) csv.Append(string.Join(',', x.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append(',').Append(y).Append('\n');
        return csv.ToString();
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
