using System.Globalization;
using System.Text;

namespace Platform.Tests;

/// <summary>
/// Datasets the repository does not carry because they are only big: Friedman #1 regression (ten uniform features,
/// five of them informative, unit noise), seeded, written once per size and seed under the temp folder. For tests
/// that need a training long enough to interrupt.
/// </summary>
public static class SyntheticData
{
    private static readonly Lock Writing = new();

    /// <returns>The path of a CSV with columns x1..x10 and target.</returns>
    public static string Friedman1Csv(int rows, int seed = 7)
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-friedman1-{rows}-{seed}.csv");
        lock (Writing)
        {
            if (File.Exists(path)) return path;
            var random = new Random(seed);
            var csv = new StringBuilder("x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,target\n");
            var x = new double[10];
            for (var row = 0; row < rows; row++)
            {
                for (var i = 0; i < x.Length; i++) x[i] = random.NextDouble();
                // Box–Muller: one standard normal draw for the noise.
                var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                var y = 10 * Math.Sin(Math.PI * x[0] * x[1]) + 20 * Math.Pow(x[2] - 0.5, 2) + 10 * x[3] + 5 * x[4] + noise;
                foreach (var value in x) csv.Append(value.ToString("F6", CultureInfo.InvariantCulture)).Append(',');
                csv.Append(y.ToString("F6", CultureInfo.InvariantCulture)).Append('\n');
            }

            var partial = path + "." + Environment.ProcessId;
            File.WriteAllText(partial, csv.ToString());
            File.Move(partial, path, overwrite: true);
            return path;
        }
    }
}
