using System.Reflection;
using System.Text.Json;
using MassTransit.Serialization;

namespace Platform.Contracts.Tests;

public sealed class ContractSerializationTests
{
    /// <summary>The bus's serializer settings (MassTransit's System.Text.Json options), and the outbox's (web defaults).</summary>
    public static TheoryData<string> Serializers => ["masstransit", "bus", "outbox"];

    // "bus": MassTransit's options as the platform's buses run them, compact (ServiceDefaults/Messaging.cs).
    private static readonly JsonSerializerOptions Bus = new(SystemTextJsonMessageSerializer.Options) { WriteIndented = false };

    internal static JsonSerializerOptions Options(string serializer) => serializer switch
    {
        "masstransit" => SystemTextJsonMessageSerializer.Options,
        "bus" => Bus,
        _ => new JsonSerializerOptions(JsonSerializerDefaults.Web),
    };

    [Theory]
    [MemberData(nameof(Serializers))]
    public void Every_contract_round_trips_with_its_optional_and_missing_values(string serializer)
    {
        var options = Options(serializer);
        foreach (var sample in ContractSamples.All())
        {
            var type = sample.GetType();
            var json = JsonSerializer.Serialize(sample, type, options);
            var back = JsonSerializer.Deserialize(json, type, options);
            Assert.NotNull(back);
            Assert.Equal(json, JsonSerializer.Serialize(back, type, options));
        }
    }

    [Fact]
    public void Every_record_in_the_contracts_assembly_has_a_sample()
    {
        var sampled = ContractSamples.All().SelectMany(Nested).Select(o => o.GetType()).ToHashSet();
        var contracts = typeof(ModelPromoted).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Platform.Contracts" && t.GetMethod("<Clone>$") is not null).ToList(); // records
        Assert.Contains(typeof(LoggedPrediction), contracts);
        Assert.Contains(typeof(RejectionReason), contracts);
        Assert.All(contracts, t => Assert.True(sampled.Contains(t), $"{t.Name} has no sample in ContractSamples: add a realistic one."));
    }

    [Fact]
    public void A_missing_numeric_travels_as_a_mask_and_reads_back_as_nan()
    {
        var logged = ContractSamples.All().OfType<PredictionsLogged>().Single();
        var json = JsonSerializer.Serialize(logged, SystemTextJsonMessageSerializer.Options);
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);

        var back = JsonSerializer.Deserialize<PredictionsLogged>(json, SystemTextJsonMessageSerializer.Options)!;
        Assert.True(double.IsNaN(back.Predictions[1].NumericWithMissing()[0]));
        Assert.Equal(0, back.Predictions[1].NumericWithMissing()[1]);
        Assert.Equal([0.05, 1], back.Predictions[0].NumericWithMissing());
    }

    [Fact]
    public void A_prediction_batch_from_before_the_mask_still_deserialises()
    {
        const string old = """
            {"batchId":"0193a4f0-5c1e-7d2a-9b3c-4d5e6f708193","modelName":"diabetes","version":2,"replica":"r1",
             "numericFeatures":["age"],"categoricalFeatures":[],
             "predictions":[{"predictionId":"0193a4f0-5c1e-7d2a-9b3c-4d5e6f708194","at":"2026-12-01T18:30:15Z","numeric":[0.05],"categorical":[],"output":"151.2","confidence":null}],
             "dropped":0,"from":"2026-12-01T18:30:15Z","to":"2026-12-01T18:30:15Z"}
            """;
        var batch = JsonSerializer.Deserialize<PredictionsLogged>(old, SystemTextJsonMessageSerializer.Options)!;
        var row = Assert.Single(batch.Predictions);
        Assert.Null(row.MissingNumeric);
        Assert.Equal([0.05], row.NumericWithMissing());
    }

    [Fact]
    public void A_registry_answer_names_its_production_version_once_and_reads_it_back()
    {
        var model = ContractSamples.All().OfType<RegisteredModelResponse>().First();
        var json = JsonSerializer.Serialize(model, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.DoesNotContain("\"production\":", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<RegisteredModelResponse>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(2, back.Production!.Version);
        Assert.Equal(back.Production.Lineage.DatasetContentUri, back.Production.ToPromotion("reconciled").DatasetContentUri);
    }

    [Fact]
    public void A_dataset_versions_source_travels_as_its_wire_name_and_an_answer_without_one_reads_as_an_upload()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var feedback = ContractSamples.All().OfType<DatasetResponse>().Single().Versions.Single(v => v.Version == 4);
        var json = JsonSerializer.Serialize(feedback, web);
        Assert.Contains("\"source\":\"feedback\"", json, StringComparison.Ordinal);
        Assert.Equal(DatasetSource.Feedback, JsonSerializer.Deserialize<DatasetVersionResponse>(json, web)!.Source);

        // An Ingestion from before versions kept their source.
        var old = JsonSerializer.Deserialize<DatasetVersionResponse>(json.Replace(",\"source\":\"feedback\"", "", StringComparison.Ordinal), web)!;
        Assert.Equal(DatasetSource.Upload, old.Source);
    }

    /// <summary>The object and the contract records it holds (lists of reasons, features, rows, versions).</summary>
    private static IEnumerable<object> Nested(object value)
    {
        yield return value;
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            var inner = property.GetValue(value);
            var items = inner is System.Collections.IEnumerable list and not string ? list.Cast<object?>() : [inner];
            foreach (var item in items)
                if (item is not null && item.GetType().Namespace == "Platform.Contracts")
                    foreach (var nested in Nested(item)) yield return nested;
        }
    }
}
