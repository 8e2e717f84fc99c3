using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Inference.Tests;

/// <summary>The HTTP surface against a host that serves iris v1 and diabetes v1 (nothing here swaps versions).</summary>
public sealed class InferenceApiTests(InferenceHost host) : IClassFixture<InferenceHost>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Instances(int rows) => $$"""{"instances":[{{string.Join(",", Enumerable.Repeat(TrainedModels.IrisInstance, rows))}}]}""";

    [Fact]
    public async Task Classifier_answers_label_and_probability_per_class_naming_model_and_version()
    {
        using var client = host.Client();
        using var response = await client.PostAsync("models/iris/predict", Json(Instances(2)));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("iris", (string?)body!["model"]);
        Assert.Equal(1, (int?)body["version"]);
        var first = body["predictions"]!.AsArray()[0]!;
        Assert.Equal("setosa", (string?)first["label"]);
        var probabilities = first["probabilities"]!.AsObject();
        Assert.Equal(["setosa", "versicolor", "virginica"], probabilities.Select(p => p.Key).Order());
        Assert.Equal(1.0, probabilities.Sum(p => (double)p.Value!), 3);
        Assert.Equal(2, body["predictionIds"]!.AsArray().Count);
    }

    [Fact]
    public async Task Regressor_answers_a_value_per_row()
    {
        using var client = host.Client();
        var instance = """{"age":0.0453,"sex":-0.0446,"bmi":-0.0062,"bp":-0.0160,"s1":0.1250,"s2":0.1252,"s3":0.0192,"s4":0.0343,"s5":0.0324,"s6":-0.0052}""";
        using var response = await client.PostAsync("models/diabetes/predict", Json($$"""{"instances":[{{instance}}]}"""));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("diabetes", (string?)body!["model"]);
        Assert.InRange((double)body["predictions"]!.AsArray()[0]!, 25, 350);
    }

    [Theory]
    [InlineData("""{"instances":[{"sepal_length":5.1,"sepal_wi""", "body")]
    [InlineData("""[1,2,3]""", "instances")]
    [InlineData("""{"instances":[{"sepal_length":1e999,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""", "instances[0].sepal_length")]
    [InlineData("""{"instances":[{"sepal_length":"5.1","sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""", "instances[0].sepal_length")]
    [InlineData("""{"instances":[{"sepal_length":{"a":{"b":1}},"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""", "instances[0].sepal_length")]
    public async Task Bad_requests_are_400_problems_naming_the_field_never_500(string json, string field)
    {
        using var client = host.Client();
        using var response = await client.PostAsync("models/iris/predict", Json(json));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]![field]);
    }

    [Fact]
    public async Task Too_many_instances_is_a_413_problem()
    {
        using var client = host.Client();
        using var response = await client.PostAsync("models/iris/predict", Json(Instances(101)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains("At most 100", (string?)problem!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_model_is_a_404_problem()
    {
        using var client = host.Client();
        using var response = await client.PostAsync("models/nope/predict", Json(Instances(1)));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Missing_or_wrong_key_is_401_and_a_key_without_the_role_is_403()
    {
        using (var anonymous = host.Client(key: null))
        using (var response = await anonymous.PostAsync("models/iris/predict", Json(Instances(1))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using (var wrong = host.Client(key: "not-a-key"))
        using (var response = await wrong.PostAsync("v2/models/iris/infer", Json("{}")))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using (var producer = host.Client(key: InferenceHost.ProducerKey))
        using (var response = await producer.PostAsync("models/iris/predict", Json(Instances(1))))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        using var bearer = host.Client(key: null);
        bearer.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"ApiKey {InferenceHost.ConsumerKey}");
        using var ok = await bearer.PostAsync("models/iris/predict", Json(Instances(1)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Pinned_version_is_loaded_from_the_registry_on_demand()
    {
        using var client = host.Client();
        using var response = await client.PostAsync("models/iris/versions/2/predict", Json(Instances(1)));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (int?)body!["version"]);
        Assert.Equal(1, host.Catalog.Current("iris")!.Version); // production is untouched

        using var unknown = await client.PostAsync("models/iris/versions/99/predict", Json(Instances(1)));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var broken = await client.PostAsync("models/iris/versions/3/predict", Json(Instances(1)));
        Assert.Equal(HttpStatusCode.BadGateway, broken.StatusCode);
    }

    [Fact]
    public async Task Open_inference_protocol_health_metadata_and_infer()
    {
        using var client = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("v2/models/iris/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("v2/models/nope/ready")).StatusCode);

        var metadata = await client.GetFromJsonAsync<JsonObject>("v2/models/iris");
        Assert.Equal(["1"], metadata!["versions"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(4, metadata["inputs"]!.AsArray().Count);
        Assert.All(metadata["inputs"]!.AsArray(), i => Assert.Equal("FP32", (string?)i!["datatype"]));
        Assert.Equal(3, (int)metadata["outputs"]!.AsArray()[1]!["shape"]!.AsArray()[1]!);

        var request = """
            {"id":"abc","inputs":[
              {"name":"sepal_length","shape":[2,1],"datatype":"FP32","data":[5.1,6.7]},
              {"name":"sepal_width","shape":[2,1],"datatype":"FP32","data":[3.5,3.0]},
              {"name":"petal_length","shape":[2,1],"datatype":"FP32","data":[1.4,5.2]},
              {"name":"petal_width","shape":[2,1],"datatype":"FP32","data":[0.2,2.3]}]}
            """;
        using var response = await client.PostAsync("v2/models/iris/infer", Json(request));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("iris", (string?)body!["model_name"]);
        Assert.Equal("1", (string?)body["model_version"]);
        Assert.Equal("abc", (string?)body["id"]);
        var outputs = body["outputs"]!.AsArray();
        Assert.Equal(["setosa", "virginica"], outputs[0]!["data"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("FP32", (string?)outputs[1]!["datatype"]);
        Assert.Equal([2, 3], outputs[1]!["shape"]!.AsArray().Select(v => (int)v!));
        Assert.Equal(6, outputs[1]!["data"]!.AsArray().Count);

        using var bad = await client.PostAsync("v2/models/iris/infer", Json("""{"inputs":[{"name":"sepal_length","shape":[1,1],"datatype":"BYTES","data":["x"]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["inputs.sepal_length"]);
        Assert.NotNull(problem["errors"]!["inputs.petal_width"]);
    }
}
