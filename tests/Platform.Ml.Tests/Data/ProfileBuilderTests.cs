using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Ml.Data;
using Platform.Ml.Data.Profiling;
using Platform.Tests;

namespace Platform.Ml.Tests.Data;

public class ProfileBuilderTests
{
    private static DatasetProfile ProfileText(string csv, CsvReadOptions? options = null) =>
        ProfileBuilder.Profile(new MemoryStream(Encoding.UTF8.GetBytes(csv)), options);

    private static string Csv(string header, IEnumerable<string> values) => header + "\n" + string.Join("\n", values) + "\n";

    [Fact]
    public void Numeric_statistics_match_hand_computed_values()
    {
        var profile = ProfileText(Csv("x", ["2", "4", "NA", "4", "4", "5", "", "5", "7", "9"]));

        var x = Assert.Single(profile.Columns);
        Assert.Equal(10, profile.RowCount);
        Assert.Equal(ColumnKind.Numeric, x.Kind);
        Assert.Equal(8, x.Count);
        Assert.Equal(2, x.Missing);
        Assert.Equal(5, x.Distinct);
        Assert.False(x.DistinctIsEstimate);
        Assert.Equal(5.0, x.Mean!.Value, 1e-15);
        Assert.Equal(Math.Sqrt(32.0 / 7), x.Std!.Value, 1e-15); // squared deviations 9+1+1+1+0+0+4+16 = 32, n - 1 = 7
        Assert.Equal(2.0, x.Min);
        Assert.Equal(9.0, x.Max);
        Assert.Null(x.TopCategories);
    }

    [Fact]
    public void Quantiles_of_a_small_column_are_exact_with_numpy_linear_interpolation()
    {
        var x = ProfileText(Csv("x", ["9", "2", "4", "7", "4", "5", "4", "5"])).Columns[0];

        // numpy.quantile([2,4,4,4,5,5,7,9], q): position q * 7 between sorted values.
        var q = x.Quantiles!;
        Assert.Equal(2.14, q.P01, 1e-12);
        Assert.Equal(2.7, q.P05, 1e-12);
        Assert.Equal(4.0, q.P25, 1e-12);
        Assert.Equal(4.5, q.P50, 1e-12);
        Assert.Equal(5.5, q.P75, 1e-12);
        Assert.Equal(8.3, q.P95, 1e-12);
        Assert.Equal(8.86, q.P99, 1e-12);
        Assert.Equal(0.0, x.QuantileRankError);
    }

    [Fact]
    public void Histogram_has_twenty_equal_bins_from_min_to_max()
    {
        var x = ProfileText(Csv("x", ["2", "4", "4", "4", "5", "5", "7", "9"])).Columns[0];

        var histogram = x.Histogram!;
        Assert.Equal(21, histogram.Edges.Count);
        Assert.Equal(2.0, histogram.Edges[0]);
        Assert.Equal(9.0, histogram.Edges[^1]);
        Assert.Equal(2.35, histogram.Edges[1], 1e-12);
        var expected = new long[20];
        expected[0] = 1;  // 2 in [2, 2.35)
        expected[5] = 3;  // 4 in [3.75, 4.1)
        expected[8] = 2;  // 5 in [4.8, 5.15)
        expected[14] = 1; // 7 in [6.9, 7.25)
        expected[19] = 1; // the maximum, in the closed last bin
        Assert.Equal(expected, histogram.Counts);
    }

    [Fact]
    public void Constant_column_gets_a_single_bin()
    {
        var x = ProfileText(Csv("x", ["3", "3", "3"])).Columns[0];

        Assert.Equal(new[] { 3.0, 3.0 }, x.Histogram!.Edges);
        Assert.Equal(new long[] { 3 }, x.Histogram.Counts);
        Assert.Equal(0.0, x.Std);
    }

    [Fact]
    public void Categorical_column_reports_top_categories_with_frequencies()
    {
        var c = ProfileText(Csv("c", ["a", "b", "a", " c ", "a", "b", "null"])).Columns[0];

        Assert.Equal(ColumnKind.Categorical, c.Kind);
        Assert.Equal(6, c.Count);
        Assert.Equal(1, c.Missing);
        Assert.Equal(3, c.Distinct);
        Assert.True(c.TopCategoriesAreExact);
        Assert.Equal(
            new[] { new CategoryFrequency("a", 3, 0.5), new CategoryFrequency("b", 2, 2.0 / 6), new CategoryFrequency("c", 1, 1.0 / 6) },
            c.TopCategories);
        Assert.Null(c.Mean);
        Assert.Null(c.Quantiles);
    }

    [Fact]
    public void Boolean_column_reports_the_share_of_true_and_both_counts()
    {
        var b = ProfileText(Csv("b", ["true", "FALSE", "True", "NA"])).Columns[0];

        Assert.Equal(ColumnKind.Boolean, b.Kind);
        Assert.Equal(3, b.Count);
        Assert.Equal(1, b.Missing);
        Assert.Equal(2.0 / 3, b.Mean!.Value, 1e-15);
        Assert.Equal(Math.Sqrt(1.0 / 3), b.Std!.Value, 1e-15); // values 1, 0, 1: squared deviations 2/3 over n - 1 = 2
        Assert.Equal(0.0, b.Min);
        Assert.Equal(1.0, b.Max);
        Assert.Equal(new[] { new CategoryFrequency("true", 2, 2.0 / 3), new CategoryFrequency("false", 1, 1.0 / 3) }, b.TopCategories);
    }

    [Fact]
    public void Integer_codes_are_profiled_as_categories_when_asked()
    {
        var options = new CsvReadOptions { CategoricalColumns = new HashSet<string> { "grade" } };

        var grade = ProfileText(Csv("grade", ["1", "2", "1", "3"]), options).Columns[0];

        Assert.Equal(ColumnKind.Categorical, grade.Kind);
        Assert.Equal("1", grade.TopCategories![0].Value);
        Assert.Equal(2, grade.TopCategories[0].Count);
        Assert.Null(grade.Mean);
    }

    [Fact]
    public void All_missing_column_has_counts_and_no_statistics()
    {
        var x = ProfileText(Csv("x,y", ["NA,1", ",2"])).Columns[0];

        Assert.Equal(0, x.Count);
        Assert.Equal(2, x.Missing);
        Assert.Null(x.Mean);
        Assert.Null(x.Histogram);
    }

    [Fact]
    public void Infinities_are_counted_but_left_out_of_the_statistics()
    {
        var x = ProfileText(Csv("x", ["1", "Infinity", "3", "-Infinity"])).Columns[0];

        Assert.Equal(4, x.Count);
        Assert.Equal(2, x.NonFinite);
        Assert.Equal(2.0, x.Mean);
        Assert.Equal(3.0, x.Max);
        JsonSerializer.Serialize(x); // NaN or infinity would throw here
    }

    [Fact]
    public void Diabetes_moments_equal_those_computed_from_the_table()
    {
        var path = SharedData.PathOf("diabetes.csv");
        var table = CsvTableReader.Read(path);
        using var file = File.OpenRead(path);

        var profile = ProfileBuilder.Profile(file);

        Assert.Equal(442, profile.RowCount);
        foreach (var column in profile.Columns)
        {
            var values = table[column.Name].Numbers!;
            var mean = values.Sum() / values.Length;
            var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            Assert.Equal(mean, column.Mean!.Value, 1e-12);
            Assert.Equal(std, column.Std!.Value, 1e-12);
            Assert.Equal(values.Min(), column.Min);
            Assert.Equal(values.Max(), column.Max);
            Assert.Equal(values.Distinct().Count(), column.Distinct);
        }
    }

    [Fact]
    public void Profile_of_a_table_equals_the_profile_of_its_csv()
    {
        var path = SharedData.PathOf("iris.csv");
        using var file = File.OpenRead(path);

        var fromStream = ProfileBuilder.Profile(file);
        var fromTable = ProfileBuilder.Profile(CsvTableReader.Read(path));

        Assert.Equal(JsonSerializer.Serialize(fromStream), JsonSerializer.Serialize(fromTable));
        Assert.Equal(ColumnKind.Categorical, fromStream.Columns.Single(c => c.Name == "species").Kind);
    }

    [Fact]
    public void Quantiles_of_a_million_values_are_within_the_documented_rank_error()
    {
        var rng = new Random(20261123);
        var values = new double[1_000_000];
        for (var i = 0; i < values.Length; i++) values[i] = Math.Exp(3 * rng.NextDouble()) + rng.Next(3); // skewed, with gaps
        var table = new Table([TableColumn.Numeric("x", values)]);

        var x = ProfileBuilder.Profile(table).Columns[0];

        Assert.Equal(KllSketch.RankErrorBound, x.QuantileRankError);
        Array.Sort(values);
        var q = x.Quantiles!;
        var reported = new[] { (0.01, q.P01), (0.05, q.P05), (0.25, q.P25), (0.50, q.P50), (0.75, q.P75), (0.95, q.P95), (0.99, q.P99) };
        foreach (var (probability, estimate) in reported)
        {
            // The estimate's true rank is an interval when it equals data values; the error is q's distance from it.
            var lowRank = (double)CountBelow(values, estimate, inclusive: false) / values.Length;
            var highRank = (double)CountBelow(values, estimate, inclusive: true) / values.Length;
            var error = Math.Max(0, Math.Max(lowRank - probability, probability - highRank));
            Assert.True(error <= KllSketch.RankErrorBound, $"p{probability}: rank error {error}");
        }

        Assert.Equal(values.Length, x.Histogram!.Counts.Sum());
    }

    [Fact]
    public void Retained_state_stays_bounded_as_rows_grow()
    {
        var builder = new ProfileBuilder(["amount", "customer"]);
        var rng = new Random(7);
        var sizes = new List<int>();
        for (var row = 1; row <= 400_000; row++)
        {
            // Every value distinct: the worst case for the distinct counter and the frequent-items summary.
            builder.AddRow([(rng.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture), "c" + row.ToString(CultureInfo.InvariantCulture)]);
            if (row % 50_000 == 0) sizes.Add(builder.RetainedItemCount);
        }

        Assert.All(sizes, size => Assert.True(size <= 2 * ProfileBuilder.MaxRetainedItemsPerColumn, $"{size} items retained"));
        // From 50,000 to 400,000 rows the state grows only by the KLL's logarithmic level floors (8 items a level).
        Assert.True(sizes[^1] - sizes[0] <= 64, $"retained {sizes[0]} items at 50,000 rows, {sizes[^1]} at 400,000");

        var profile = builder.Build();
        var customer = profile.Columns[1];
        Assert.True(customer.DistinctIsEstimate);
        Assert.InRange(customer.Distinct, 0.95 * 400_000, 1.05 * 400_000);
        Assert.False(customer.TopCategoriesAreExact);
        Assert.True(profile.Columns[0].DistinctIsEstimate);
        Assert.InRange(profile.Columns[0].Distinct, 0.95 * 400_000, 1.05 * 400_000);
    }

    [Fact]
    public void A_frequent_category_among_many_rare_ones_is_found()
    {
        var builder = new ProfileBuilder(["city"]);
        for (var row = 0; row < 100_000; row++)
            builder.AddRow([row % 10 < 3 ? "Paris" : "town" + row.ToString(CultureInfo.InvariantCulture)]);

        var top = builder.Build().Columns[0].TopCategories!;

        Assert.Equal("Paris", top[0].Value);
        // Misra–Gries undercounts by at most n / 257.
        Assert.InRange(top[0].Count, 30_000 - 100_000 / 257, 30_000);
    }

    [Fact]
    public void Profile_serialises_to_json_and_back()
    {
        var profile = ProfileText(Csv("x,c,b", ["1,a,true", "2,b,false", "NA,a,true"]));

        var json = JsonSerializer.Serialize(profile);
        var back = JsonSerializer.Deserialize<DatasetProfile>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Contains("\"Kind\":\"boolean\"", json);
    }

    [Fact]
    public void Profile_rejects_malformed_csv_like_the_table_reader()
    {
        var error = Assert.Throws<CsvFormatException>(() => ProfileText("a,b\n1,2\n3\n"));

        Assert.Contains("Line 3", error.Message);
    }

    [Fact]
    public void Profile_leaves_the_stream_open_and_honours_cancellation()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("a\n1\n"));
        ProfileBuilder.Profile(stream);
        Assert.True(stream.CanRead);

        stream.Position = 0;
        Assert.Throws<OperationCanceledException>(() => ProfileBuilder.Profile(stream, ct: new CancellationToken(canceled: true)));
    }

    private static int CountBelow(double[] sorted, double value, bool inclusive)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (sorted[middle] < value || (inclusive && sorted[middle] == value)) low = middle + 1;
            else high = middle;
        }

        return low;
    }
}
