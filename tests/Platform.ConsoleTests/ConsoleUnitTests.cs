using System.Text;
using Platform.OperatorConsole;
using Platform.OperatorConsole.Components.Charts;
using Platform.OperatorConsole.Drafts;
using Platform.OperatorConsole.Serving;

namespace Platform.ConsoleTests;

public sealed class ConsoleUnitTests
{
    [Theory]
    [InlineData("/console/runs?model=a", "/console/runs?model=a")]
    [InlineData("//evil.example/console", "/console/models")]
    [InlineData("https://evil.example/console", "/console/models")]
    [InlineData("/console\\..\\x", "/console/models")]
    [InlineData("/models", "/console/models")]
    [InlineData(null, "/console/models")]
    public void Login_returns_only_to_local_console_paths(string? returnUrl, string expected) =>
        Assert.Equal(expected, ConsoleRoutes.LocalReturnUrl(returnUrl));

    [Fact]
    public void Latency_quantiles_interpolate_within_the_bucket_as_prometheus_does()
    {
        // 100 requests: 50 at most 1 ms, 90 at most 2 ms, all at most 5 ms.
        var buckets = new List<(double, double)> { (1, 50), (2, 90), (5, 100), (double.PositiveInfinity, 100) };
        Assert.Equal(1.0, ServingStats.Quantile(buckets, 0.50), 9);
        Assert.Equal(3.5, ServingStats.Quantile(buckets, 0.95), 9);
        Assert.Equal(4.7, ServingStats.Quantile(buckets, 0.99), 9);
    }

    [Fact]
    public void Serving_rows_add_up_outcomes_per_model_version_and_count_errors()
    {
        var text = """
            # TYPE platform_inference_request_duration_milliseconds histogram
            platform_inference_request_duration_milliseconds_bucket{model="m",version="1",outcome="ok",le="1"} 8
            platform_inference_request_duration_milliseconds_bucket{model="m",version="1",outcome="ok",le="+Inf"} 8
            platform_inference_request_duration_milliseconds_count{model="m",version="1",outcome="ok"} 8
            platform_inference_request_duration_milliseconds_bucket{model="m",version="1",outcome="invalid",le="1"} 2
            platform_inference_request_duration_milliseconds_bucket{model="m",version="1",outcome="invalid",le="+Inf"} 2
            platform_inference_request_duration_milliseconds_count{model="m",version="1",outcome="invalid"} 2
            """;
        var row = Assert.Single(new ServingStats(TimeProvider.System).Read(text));
        Assert.Equal(("m", "1", 10.0, 2.0), (row.Model, row.Version, row.Requests, row.Errors));
        Assert.Equal(0.2, row.ErrorRate, 9);
        Assert.Null(row.RequestsPerSecond); // no earlier look to measure a rate against
    }

    [Fact]
    public void Prometheus_labels_keep_escaped_quotes_and_commas()
    {
        var sample = Assert.Single(PrometheusText.Parse("x{a=\"1,2\",b=\"say \\\"hi\\\"\"} 3.5\n"));
        Assert.Equal("1,2", sample.Labels["a"]);
        Assert.Equal("say \"hi\"", sample.Labels["b"]);
        Assert.Equal(3.5, sample.Value);
    }

    [Fact]
    public void Fixing_a_draft_drops_the_columns_and_the_rows_with_missing_values_and_quotes_what_needs_it()
    {
        var draft = new Draft(Guid.NewGuid(), "x.csv", ["id", "city", "y"], [["1", "Paris, FR", "3"], ["2", "", "4"], ["3", "Rome", "5"]]);
        var csv = Encoding.UTF8.GetString(DraftStore.Apply(draft, new DraftFixes(new HashSet<string> { "id" }, MissingValues.DropRows)));
        Assert.Equal("city,y\n\"Paris, FR\",3\nRome,5\n", csv);
        var kept = Encoding.UTF8.GetString(DraftStore.Apply(draft, new DraftFixes(new HashSet<string>(), MissingValues.Impute)));
        Assert.Equal(4, kept.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(["numeric", "categorical", "numeric"], draft.Schema.Select(c => c.Kind.ToString().ToLowerInvariant()));
        Assert.Equal(1, draft.Schema[1].Missing);
    }

    [Fact]
    public void A_chart_scale_maps_the_range_onto_the_pixels_and_a_flat_range_onto_the_middle()
    {
        var y = new ChartScale(0, 10, 100, 0);
        Assert.Equal(100, y[0]);
        Assert.Equal(50, y[5]);
        Assert.Equal(50, new ChartScale(3, 3, 100, 0)[3]);
        Assert.Equal((0.0, 1.0), ChartScale.RangeOf([double.NaN]));
    }
}
