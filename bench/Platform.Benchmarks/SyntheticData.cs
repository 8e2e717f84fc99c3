using System.Globalization;
using System.Text;
using Platform.Ml.Data;

namespace Platform.Benchmarks;

/// <summary>Seeded synthetic tables and CSV files: the benchmarks need sizes the shared datasets do not have.</summary>
public static class SyntheticData
{
    /// <summary>Standard normal values (Box–Muller), plus <paramref name="shift"/>.</summary>
    public static double[] Normal(int count, int seed, double shift = 0)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
            values[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) + shift;
        return values;
    }

    /// <summary><paramref name="features"/> numeric columns f0.. and, with a target, y = Σ wᵢ fᵢ + noise (a learnable regression).</summary>
    public static Table Regression(int rows, int features, int seed, bool withTarget = true)
    {
        var columns = Enumerable.Range(0, features).Select(f => Normal(rows, seed + f)).ToArray();
        var result = columns.Select((values, f) => TableColumn.Numeric($"f{f}", values)).ToList();
        if (withTarget)
        {
            var noise = Normal(rows, seed + features);
            var target = new double[rows];
            for (var row = 0; row < rows; row++)
            {
                var y = 0.5 * noise[row];
                for (var f = 0; f < features; f++) y += (f + 1) * 0.1 * columns[f][row] + (f == 0 ? 0.3 * columns[0][row] * columns[0][row] : 0);
                target[row] = y;
            }

            result.Add(TableColumn.Numeric("y", target));
        }

        return new Table(result);
    }

    /// <summary>Writes a CSV of <paramref name="rows"/> rows: ten numeric columns and one categorical column; returns its path.</summary>
    public static string WriteCsv(int rows, int seed)
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-bench-{rows}-{seed}.csv");
        if (File.Exists(path)) return path;
        var table = Regression(rows, 10, seed, withTarget: false);
        var random = new Random(seed);
        string[] colours = ["red", "green", "blue", "yellow", "black"];
        using var writer = new StreamWriter(path + ".tmp", false, new UTF8Encoding(false));
        writer.Write(string.Join(',', table.Columns.Select(c => c.Name)));
        writer.Write(",colour\n");
        var line = new StringBuilder();
        for (var row = 0; row < rows; row++)
        {
            line.Clear();
            foreach (var column in table.Columns) line.Append(column.Numbers![row].ToString("G6", CultureInfo.InvariantCulture)).Append(',');
            line.Append(colours[random.Next(colours.Length)]).Append('\n');
            writer.Write(line);
        }

        writer.Close();
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }
}
