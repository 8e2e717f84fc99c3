using MathNet.Numerics.Distributions;
using Platform.Ml.Data;
using Platform.Ml.Drift;

namespace Platform.Ml.Tests.Drift;

public class DriftAnalyzerTests
{
    private static readonly string[] Colours = ["red", "green", "blue", "amber"];
    private static readonly double[] ColourWeights = [0.4, 0.3, 0.2, 0.1];

    [Fact]
    public void Dataset_drift_fires_in_at_most_1_percent_of_windows_drawn_from_the_reference_distribution()
    {
        var random = new Random(101);
        var reference = TenFeatures(random, 5_000, shift: 0.0);
        var alarms = 0;
        var columnFlags = 0;
        for (var window = 0; window < 200; window++)
        {
            var report = DriftAnalyzer.Analyze(reference, TenFeatures(random, 1_000, shift: 0.0), new DriftOptions());
            Assert.Equal(10, report.Columns.Count);
            if (report.DatasetDrift) alarms++;
            columnFlags += report.DriftedCount;
        }

        Assert.True(alarms <= 2, $"dataset drift fired in {alarms} of 200 stable windows");
        // BH at 0.05 plus the effect floor: single-column false flags stay rare too.
        Assert.True(columnFlags <= 10, $"{columnFlags} column flags in 200 stable windows");
    }

    [Fact]
    public void Dataset_drift_fires_in_at_least_95_percent_of_windows_when_one_of_three_features_shifts_half_a_std()
    {
        var random = new Random(202);
        var reference = ThreeNumericFeatures(random, 5_000, shiftOfFirst: 0.0);
        var options = new DriftOptions { DriftedShareThreshold = 0.3 };
        var alarms = 0;
        for (var window = 0; window < 100; window++)
        {
            var report = DriftAnalyzer.Analyze(reference, ThreeNumericFeatures(random, 1_000, shiftOfFirst: 0.5), options);
            if (report.DatasetDrift && report.Columns[0].Drifted) alarms++;
        }

        Assert.True(alarms >= 95, $"dataset drift fired in only {alarms} of 100 shifted windows");
    }

    [Fact]
    public void Dataset_drift_always_fires_when_every_feature_shifts_by_several_std()
    {
        var random = new Random(303);
        var reference = TenFeatures(random, 5_000, shift: 0.0);
        for (var window = 0; window < 20; window++)
        {
            var report = DriftAnalyzer.Analyze(reference, TenFeatures(random, 1_000, shift: 4.0), new DriftOptions());
            Assert.True(report.DatasetDrift);
            Assert.Equal(1.0, report.DriftedShare);
            Assert.All(report.Columns, c => Assert.Equal(DriftSeverity.Critical, c.Severity));
        }
    }

    [Fact]
    public void A_significant_but_negligible_shift_in_a_large_window_is_not_drift()
    {
        var random = new Random(404);
        var reference = new Table([TableColumn.Numeric("x", Normal(random, 20_000, 0.0))]);
        var current = new Table([TableColumn.Numeric("x", Normal(random, 20_000, 0.08))]);

        var column = DriftAnalyzer.Analyze(reference, current, new DriftOptions()).Columns.Single();

        Assert.True(column.PValue < 0.001, $"p = {column.PValue}");
        Assert.True(column.NormalisedWasserstein < 0.1);
        Assert.False(column.Drifted);
        Assert.Equal(DriftSeverity.None, column.Severity);
    }

    [Fact]
    public void Numeric_columns_use_ks_and_categorical_columns_use_chi_square_with_their_scores()
    {
        var random = new Random(505);
        var reference = TenFeatures(random, 2_000, shift: 0.0);
        var current = TenFeatures(random, 500, shift: 1.0);

        var report = DriftAnalyzer.Analyze(reference, current, new DriftOptions());

        var numeric = report.Columns.Single(c => c.Column == "n0");
        Assert.Equal(("ks", ColumnKind.Numeric), (numeric.Test, numeric.Kind));
        Assert.NotNull(numeric.Wasserstein);
        Assert.True(numeric.NormalisedWasserstein > 0.5);
        Assert.True(numeric.Psi > 0.25);
        Assert.Equal((2_000, 500), (numeric.ReferenceCount, numeric.CurrentCount));

        var flag = report.Columns.Single(c => c.Column == "flag");
        Assert.Equal(("ks", ColumnKind.Boolean), (flag.Test, flag.Kind));

        var colour = report.Columns.Single(c => c.Column == "colour");
        Assert.Equal(("chi2", ColumnKind.Categorical), (colour.Test, colour.Kind));
        Assert.Null(colour.Wasserstein);
        Assert.Null(colour.NormalisedWasserstein);
        Assert.InRange(colour.JensenShannon, 0.01, 1.0);
        Assert.True(colour.Drifted);
    }

    [Fact]
    public void Severity_is_critical_below_0_001_warning_below_alpha_and_none_otherwise()
    {
        // Reference uniform over 40 values; SciPy gives p = 0.74 at shift 3, 0.0030 at shift 8 and 7.5e-5 at shift 10.
        var reference = new Table([TableColumn.Numeric("x", Enumerable.Range(0, 400).Select(i => (double)(i % 40)).ToArray())]);
        DriftSeverity SeverityFor(double shift) => DriftAnalyzer.Analyze(reference,
            new Table([TableColumn.Numeric("x", Enumerable.Range(0, 100).Select(i => i % 40 + shift).ToArray())]),
            new DriftOptions()).Columns.Single().Severity;

        Assert.Equal(DriftSeverity.None, SeverityFor(3.0));
        Assert.Equal(DriftSeverity.Warning, SeverityFor(8.0));
        Assert.Equal(DriftSeverity.Critical, SeverityFor(10.0));
    }

    [Fact]
    public void Options_restrict_and_exclude_columns_and_unknown_or_mismatched_columns_are_reported_as_skipped()
    {
        var reference = new Table([
            TableColumn.Numeric("a", [1, 2, 3]),
            TableColumn.Numeric("b", [1, 2, 3]),
            TableColumn.Numeric("c", [1, 2, 3]),
            TableColumn.Numeric("d", [1, 2, 3]),
        ]);
        var current = new Table([
            TableColumn.Numeric("a", [1, 2, 3]),
            TableColumn.Numeric("b", [1, 2, 3]),
            TableColumn.Numeric("c", [1, 2, 3]),
            TableColumn.Categorical("d", ["x", "y", "z"]),
        ]);
        var options = new DriftOptions { Columns = ["a", "b", "d", "zz"], ExcludedColumns = ["b"] };

        var report = DriftAnalyzer.Analyze(reference, current, options);

        Assert.Equal(["a"], report.Columns.Select(c => c.Column));
        Assert.Equal(["zz", "d"], report.SkippedColumns.Select(s => s.Column));
    }

    [Fact]
    public void Missing_values_are_dropped_before_testing()
    {
        var reference = new Table([
            TableColumn.Numeric("x", [1, 2, double.NaN, 3, 4]),
            TableColumn.Categorical("c", ["a", null, "b", "a", "b"]),
        ]);
        var current = new Table([
            TableColumn.Numeric("x", [double.NaN, 1, 2, 3, 4]),
            TableColumn.Categorical("c", ["b", "a", "a", null, "b"]),
        ]);

        var report = DriftAnalyzer.Analyze(reference, current, new DriftOptions());

        Assert.All(report.Columns, c => Assert.Equal((4, 4, false), (c.ReferenceCount, c.CurrentCount, c.Drifted)));
        Assert.Equal(0.0, report.Columns[0].Statistic);
        Assert.Equal(1.0, report.Columns[0].PValue);
        Assert.Equal(0.0, report.Columns[1].Statistic);
    }

    [Fact]
    public void Benjamini_hochberg_adjusts_p_values_by_rank_and_keeps_them_monotone()
    {
        var adjusted = DriftAnalyzer.BenjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.02, 0.04, 0.04, 0.02], adjusted.Select(p => Math.Round(p, 12)));

        // The larger p-value caps the smaller one's adjustment (monotone), and nothing exceeds 1.
        Assert.Equal([0.9, 0.9], DriftAnalyzer.BenjaminiHochberg([0.9, 0.8]).Select(p => Math.Round(p, 12)));
        Assert.Equal([1.0, 1.0], DriftAnalyzer.BenjaminiHochberg([1.0, 0.7]).Select(p => Math.Round(p, 12)));
        Assert.Empty(DriftAnalyzer.BenjaminiHochberg([]));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var table = new Table([TableColumn.Numeric("x", [1, 2, 3])]);
        Assert.ThrowsAny<Exception>(() => DriftAnalyzer.Analyze(table, table, new DriftOptions { FamilyAlpha = 0 }));
        Assert.ThrowsAny<Exception>(() => DriftAnalyzer.Analyze(table, table, new DriftOptions { DriftedShareThreshold = 1.5 }));
        Assert.ThrowsAny<Exception>(() => DriftAnalyzer.Analyze(table, table, new DriftOptions { Bins = 1 }));
    }

    /// <summary>Seven numeric features of different scales, a boolean and two categorical ones; <paramref name="shift"/> moves all of them.</summary>
    private static Table TenFeatures(Random random, int rows, double shift)
    {
        var columns = new List<TableColumn>();
        for (var f = 0; f < 7; f++)
        {
            var scale = 1.0 + f * 3.0;
            var values = Normal(random, rows, shift);
            for (var i = 0; i < rows; i++) values[i] = 10 * f + scale * values[i];
            columns.Add(TableColumn.Numeric($"n{f}", values));
        }

        // Integer-valued feature: heavy ties.
        columns[6] = TableColumn.Numeric("n6", columns[6].Numbers!.Select(v => Math.Round(v / 5)).ToArray());

        var flagProbability = shift == 0 ? 0.3 : 0.8;
        columns.Add(TableColumn.Boolean("flag", Enumerable.Range(0, rows).Select(_ => random.NextDouble() < flagProbability ? 1.0 : 0.0).ToArray()));
        var weights = shift == 0 ? ColourWeights : [0.1, 0.1, 0.3, 0.5];
        columns.Add(TableColumn.Categorical("colour", Enumerable.Range(0, rows).Select(_ => Draw(random, Colours, weights)).ToArray()));
        string[] sizes = ["S", "M", "L"];
        double[] sizeWeights = shift == 0 ? [0.5, 0.3, 0.2] : [0.1, 0.2, 0.7];
        columns.Add(TableColumn.Categorical("size", Enumerable.Range(0, rows).Select(_ => Draw(random, sizes, sizeWeights)).ToArray()));
        return new Table(columns);
    }

    private static Table ThreeNumericFeatures(Random random, int rows, double shiftOfFirst) => new([
        TableColumn.Numeric("shifted", Normal(random, rows, shiftOfFirst)),
        TableColumn.Numeric("stable1", Normal(random, rows, 0.0)),
        TableColumn.Numeric("stable2", Normal(random, rows, 0.0)),
    ]);

    private static double[] Normal(Random random, int count, double mean)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = MathNet.Numerics.Distributions.Normal.Sample(random, mean, 1.0);
        return values;
    }

    private static string Draw(Random random, string[] values, double[] weights)
    {
        var u = random.NextDouble();
        for (var i = 0; i < values.Length - 1; i++)
        {
            if (u < weights[i]) return values[i];
            u -= weights[i];
        }

        return values[^1];
    }
}
