using System.Text.Json;
using MassTransit.Serialization;

namespace Platform.Contracts.Tests;

/// <summary>
/// <see cref="LoggedPredictionJson"/> writes what the serializer's general converter wrote for the record before it
/// (producers and consumers of either build read each other), and reads what either wrote.
/// </summary>
public sealed class LoggedPredictionJsonTests
{
    /// <summary>The record's shape without the hand-written converter: what the general converter makes of it.</summary>
    private sealed record GeneralForm(Guid PredictionId, DateTimeOffset At, double[] Numeric, string?[] Categorical, string Output, double? Confidence,
        int[]? MissingNumeric = null);

    private static GeneralForm General(LoggedPrediction p) => new(p.PredictionId, p.At, p.Numeric, p.Categorical, p.Output, p.Confidence, p.MissingNumeric);

    private static LoggedPrediction[] Rows() => ContractSamples.All().OfType<PredictionsLogged>().Single().Predictions
        .Append(new LoggedPrediction(Guid.NewGuid(), new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.FromHours(2)), [5.1, 0.1 + 0.2, 1e-300, -0.0],
            ["quote \" and é"], "virginica", (double)0.97865432f, [3, 0]))
        .ToArray();

    [Theory]
    [MemberData(nameof(ContractSerializationTests.Serializers), MemberType = typeof(ContractSerializationTests))]
    public void Writes_what_the_general_converter_wrote(string serializer)
    {
        var options = ContractSerializationTests.Options(serializer);
        Assert.IsType<LoggedPredictionJson>(options.GetConverter(typeof(LoggedPrediction)));
        foreach (var row in Rows())
            Assert.Equal(JsonSerializer.Serialize(General(row), options), JsonSerializer.Serialize(row, options));
    }

    [Theory]
    [MemberData(nameof(ContractSerializationTests.Serializers), MemberType = typeof(ContractSerializationTests))]
    public void Reads_back_every_value(string serializer)
    {
        var options = ContractSerializationTests.Options(serializer);
        foreach (var row in Rows())
        {
            var back = JsonSerializer.Deserialize<LoggedPrediction>(JsonSerializer.Serialize(General(row), options), options)!;
            Assert.Equal(row.PredictionId, back.PredictionId);
            Assert.Equal(row.At, back.At);
            Assert.Equal(row.At.Offset, back.At.Offset);
            Assert.Equal(row.Numeric, back.Numeric);
            Assert.Equal(row.Categorical, back.Categorical);
            Assert.Equal(row.Output, back.Output);
            Assert.Equal(row.Confidence, back.Confidence);
            Assert.Equal(row.MissingNumeric, back.MissingNumeric);
        }
    }

    [Fact]
    public void Reads_properties_in_any_order_and_case_and_skips_unknown_ones()
    {
        const string json = """
            {"Output":"setosa","extra":{"nested":[1,2,{"a":null}]},"CONFIDENCE":0.5,"categorical":[null,"x"],
             "numeric":[1.5,2],"at":"2026-12-01T18:30:15Z","predictionid":"0193a4f0-5c1e-7d2a-9b3c-4d5e6f708194"}
            """;
        var row = JsonSerializer.Deserialize<LoggedPrediction>(json, SystemTextJsonMessageSerializer.Options)!;
        Assert.Equal(Guid.Parse("0193a4f0-5c1e-7d2a-9b3c-4d5e6f708194"), row.PredictionId);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 18, 30, 15, TimeSpan.Zero), row.At);
        Assert.Equal([1.5, 2], row.Numeric);
        Assert.Equal(new string?[] { null, "x" }, row.Categorical);
        Assert.Equal("setosa", row.Output);
        Assert.Equal(0.5, row.Confidence);
        Assert.Null(row.MissingNumeric);
    }

    [Fact]
    public void Numbers_written_as_strings_are_read_where_the_options_allow_it()
    {
        const string json = """{"predictionId":"0193a4f0-5c1e-7d2a-9b3c-4d5e6f708194","at":"2026-12-01T18:30:15Z","numeric":["1.25"],"categorical":[],"output":"1","confidence":"0.5","missingNumeric":["0"]}""";
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var row = JsonSerializer.Deserialize<LoggedPrediction>(json, web)!;
        Assert.Equal([1.25], row.Numeric);
        Assert.Equal(0.5, row.Confidence);
        Assert.Equal(new[] { 0 }, row.MissingNumeric);

        // The bus's options are strict, as the general converter was under them.
        Assert.ThrowsAny<Exception>(() => JsonSerializer.Deserialize<LoggedPrediction>(json, SystemTextJsonMessageSerializer.Options));
    }

    [Theory]
    [InlineData("predictionId")]
    [InlineData("at")]
    [InlineData("numeric")]
    [InlineData("categorical")]
    [InlineData("output")]
    public void A_row_without_a_required_value_is_refused(string property)
    {
        var json = JsonSerializer.Serialize(Rows()[0], SystemTextJsonMessageSerializer.Options);
        using var document = JsonDocument.Parse(json);
        var without = "{" + string.Join(",", document.RootElement.EnumerateObject().Where(p => p.Name != property).Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}")) + "}";

        var refused = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LoggedPrediction>(without, SystemTextJsonMessageSerializer.Options));
        Assert.Contains(property, refused.Message, StringComparison.Ordinal);
    }
}
