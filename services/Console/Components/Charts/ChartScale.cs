namespace Platform.OperatorConsole.Components.Charts;

/// <summary>Maps data values onto pixels: [min, max] onto [from, to] (to may be smaller, for a y axis that grows upward).</summary>
public sealed record ChartScale(double Min, double Max, double From, double To)
{
    public double this[double value] => Max == Min ? (From + To) / 2 : From + (value - Min) / (Max - Min) * (To - From);

    /// <summary>A range that shows every finite value, with a little air; [0, 1] when there is none.</summary>
    public static (double Min, double Max) RangeOf(IEnumerable<double> values, bool fromZero = false)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return (0, 1);
        var min = fromZero ? Math.Min(0, finite.Min()) : finite.Min();
        var max = finite.Max();
        if (min == max) return (min - 0.5, max + 0.5);
        return (min, max + (fromZero ? 0.05 * (max - min) : 0));
    }
}

/// <summary>One line of a <see cref="LineChart"/>: a value per x position (null where it has none).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values);
