using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Inference.Apis;
using Platform.Inference.Serving;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.Inference.Tests;

/// <summary>A null numeric input: imputed where the model replaces missing values, logged as missing, never a NaN on the bus.</summary>
public sealed class MissingValueTests(InferenceHost host) : IClassFixture<InferenceHost>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_null_numeric_input_is_imputed_by_the_model_and_logged_as_missing_without_a_nan()
    {
        using var client = host.Client();
        var body = """{"instances":[{"age":0.0453,"sex":-0.0446,"bmi":null,"bp":-0.0160,"s1":0.1250,"s2":0.1252,"s3":0.0192,"s4":0.0343,"s5":0.0324,"s6":-0.0052}]}""";
        using var response = await client.PostAsync("models/diabetes/predict", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.InRange((double)answer["predictions"]![0]!, 25, 350);
        var id = Guid.Parse((string)answer["predictionIds"]![0]!);

        LoggedPrediction? logged = null;
        PredictionsLogged? batch = null;
        await Eventually.HoldsAsync(() =>
        {
            batch = host.Harness.Published.Select<PredictionsLogged>().Select(m => m.Context.Message)
                .FirstOrDefault(b => b.Predictions.Any(p => p.PredictionId == id));
            logged = batch?.Predictions.First(p => p.PredictionId == id);
            return logged is not null;
        }, Wait, "the prediction to be logged");

        var bmi = batch!.NumericFeatures.ToList().IndexOf("bmi");
        Assert.Equal([bmi], logged!.MissingNumeric!);
        Assert.All(logged.Numeric, v => Assert.True(double.IsFinite(v)));
        Assert.True(double.IsNaN(logged.NumericWithMissing()[bmi]));
    }

    [Fact]
    public void A_null_where_the_model_does_not_replace_missing_values_is_refused()
    {
        using var scorer = Ml.Models.OnnxScorer.Load(TrainedModels.Iris);
        using var batch = scorer.RentBatch(1);
        var strict = new FeatureSpec("sepal_length", ColumnKind.Numeric, AllowsMissing: false);
        var reader = new Utf8JsonReader("null"u8);
        reader.Read();

        var error = FeatureValues.Read(ref reader, strict, batch, 0, 0);

        Assert.NotNull(error);
        Assert.Contains("null", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_unserialisable_row_costs_only_itself_not_the_flush_of_other_rows_and_models()
    {
        var log = host.Services.GetRequiredService<PredictionLog>();
        var good = Enumerable.Range(0, 3).Select(_ => Record("diabetes", [0.1, 0.2])).ToList();
        var bad = Record("diabetes", [double.NaN, 0.2]); // no path writes this any more; a future one must not break the flush
        var other = Record("iris", [5.1, 3.5]);
        foreach (var record in new[] { good[0], bad, good[1], other, good[2] }) log.Write(record);

        await Eventually.HoldsAsync(() => Published().Count(p => good.Concat([other]).Any(g => g.Prediction.PredictionId == p)) == 4, Wait,
            "the good rows of both models to be published");
        Assert.DoesNotContain(bad.Prediction.PredictionId, Published());

        // The harness also records the attempt that failed to serialise (with its exception): only what went out counts.
        IEnumerable<Guid> Published() => host.Harness.Published.Select<PredictionsLogged>().Where(m => m.Exception is null)
            .SelectMany(m => m.Context.Message.Predictions.Select(p => p.PredictionId));
    }

    private static PredictionRecord Record(string model, double[] numbers) =>
        new(model, 1, ["a", "b"], [], new LoggedPrediction(Guid.NewGuid(), DateTimeOffset.UtcNow, numbers, [], "1", null));
}
