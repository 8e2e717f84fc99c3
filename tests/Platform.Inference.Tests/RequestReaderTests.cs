using System.Text;
using Platform.Inference.Apis;
using Platform.Inference.Serving;
using Platform.Ml.Models;

namespace Platform.Inference.Tests;

public sealed class RequestReaderTests : IDisposable
{
    private readonly ServedModel _iris = new("iris", 1, DateTimeOffset.UnixEpoch, OnnxScorer.Load(TrainedModels.Iris));

    public void Dispose() => _iris.Retire();

    private (bool Ok, Dictionary<string, string[]> Errors, bool TooLarge) Read(string json, int maxRows = 1000, UnknownFieldPolicy unknown = UnknownFieldPolicy.Reject)
    {
        var rejections = new Rejections();
        using var batch = InstanceReader.Read(Encoding.UTF8.GetBytes(json), _iris, maxRows, unknown, rejections);
        return (batch is not null, rejections.Errors, rejections.TooLarge);
    }

    [Fact]
    public void Reads_one_and_many_instances()
    {
        Assert.True(Read($$"""{"instances":[{{TrainedModels.IrisInstance}}]}""").Ok);
        Assert.True(Read($$"""{"instances":[{{TrainedModels.IrisInstance}},{{TrainedModels.IrisInstance}}],"parameters":{ } }""").Ok);
        // Field order does not matter.
        Assert.True(Read("""{"instances":[{"petal_width":0.2,"petal_length":1.4,"sepal_width":3.5,"sepal_length":5.1}]}""").Ok);
    }

    [Fact]
    public void A_valid_body_fills_the_same_values_whether_its_braces_count_its_instances_or_not()
    {
        const string instances = """[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2},{"petal_width":2.3,"sepal_length":6.7,"petal_length":5.2,"sepal_width":3.0}]""";
        // The first body is read in one pass; in the second, the extra object makes the brace count wrong, so the two passes read it.
        double[,] Values(string json)
        {
            using var batch = InstanceReader.Read(Encoding.UTF8.GetBytes(json), _iris, 1000, UnknownFieldPolicy.Reject, new Rejections());
            Assert.NotNull(batch);
            Assert.Equal(2, batch.Rows);
            var values = new double[2, 4];
            for (var row = 0; row < 2; row++)
                for (var f = 0; f < 4; f++) values[row, f] = batch.Number(f, row);
            return values;
        }

        var onePass = Values($$"""{"instances":{{instances}}}""");
        Assert.Equal(onePass, Values($$"""{"parameters":{"note":[1]},"instances":{{instances}}}"""));
        Assert.Equal(6.7, onePass[1, _iris.Signature.Inputs.ToList().FindIndex(i => i.Name == "sepal_length")]);
    }

    [Fact]
    public void A_problem_after_valid_rows_is_reported_with_every_other_problem()
    {
        var (ok, errors, _) = Read($$"""{"instances":[{{TrainedModels.IrisInstance}},{"sepal_length":"x","sepal_width":3.5,"petal_length":1.4},{{TrainedModels.IrisInstance}},{"colour":1,"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""");
        Assert.False(ok);
        Assert.Equal(["instances[1].petal_width", "instances[1].sepal_length", "instances[3].colour"], errors.Keys.Order().ToArray());
    }

    [Theory]
    [InlineData("""{"instances":[{"sepal_length":5.1,"sepal_wi""", "body")]
    [InlineData("""{"instances":[{"sepal_length":5.1}]""", "body")]
    [InlineData("""{"instances":[]} trailing""", "body")]
    [InlineData("", "body")]
    [InlineData("""[{"sepal_length":5.1}]""", "instances")]
    [InlineData("\"instances\"", "instances")]
    [InlineData("""{"instances":{"sepal_length":5.1}}""", "instances")]
    [InlineData("""{"rows":[]}""", "instances")]
    [InlineData("""{"instances":[]}""", "instances")]
    [InlineData("""{"instances":[42]}""", "instances[0]")]
    public void Malformed_or_misshaped_bodies_are_rejected_naming_the_field(string json, string field)
    {
        var (ok, errors, _) = Read(json);
        Assert.False(ok);
        Assert.Contains(field, errors.Keys);
    }

    [Theory]
    [InlineData("\"5.1\"", "a string")]
    [InlineData("1e400", "finite")]
    [InlineData("-1e400", "finite")]
    [InlineData("{\"value\":5.1}", "an object")]
    [InlineData("[5.1]", "an array")]
    [InlineData("true", "a boolean")]
    [InlineData("\"NaN\"", "a string")]
    public void Wrong_values_are_rejected_naming_the_field_and_reason(string value, string reason)
    {
        var (ok, errors, _) = Read($$"""{"instances":[{{TrainedModels.IrisInstance}},{"sepal_length":{{value}},"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""");
        Assert.False(ok);
        var error = Assert.Single(errors);
        Assert.Equal("instances[1].sepal_length", error.Key);
        Assert.Contains(reason, error.Value[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_duplicate_fields_are_named()
    {
        var (ok, errors, _) = Read("""{"instances":[{"sepal_length":5.1,"sepal_length":5.2,"sepal_width":3.5,"petal_length":1.4}]}""");
        Assert.False(ok);
        Assert.Contains("Missing", errors["instances[0].petal_width"][0], StringComparison.Ordinal);
        Assert.Contains("more than once", errors["instances[0].sepal_length"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_fields_follow_the_configured_rule()
    {
        var json = """{"instances":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2,"colour":"blue"}]}""";
        var rejected = Read(json, unknown: UnknownFieldPolicy.Reject);
        Assert.False(rejected.Ok);
        Assert.Contains("Unknown field", rejected.Errors["instances[0].colour"][0], StringComparison.Ordinal);
        Assert.True(Read(json, unknown: UnknownFieldPolicy.Ignore).Ok);
    }

    [Fact]
    public void Null_is_a_missing_value_only_where_the_model_replaces_it()
    {
        var spec = _iris.Signature.Inputs[0];
        var (ok, errors, _) = Read("""{"instances":[{"sepal_length":null,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""");
        if (spec.AllowsMissing) Assert.True(ok);
        else Assert.Contains("null", errors["instances[0].sepal_length"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void More_instances_than_the_limit_is_too_large()
    {
        var instances = string.Join(",", Enumerable.Repeat(TrainedModels.IrisInstance, 3));
        var (ok, errors, tooLarge) = Read($$"""{"instances":[{{instances}}]}""", maxRows: 2);
        Assert.False(ok);
        Assert.True(tooLarge);
        Assert.Contains("At most 2", errors["instances"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_reads_one_tensor_per_feature_flat_or_nested()
    {
        var json = """
            {"id":"r1","inputs":[
              {"name":"sepal_length","shape":[2,1],"datatype":"FP32","data":[[5.1],[6.7]]},
              {"name":"sepal_width","shape":[2],"datatype":"FP64","data":[3.5,3.0]},
              {"name":"petal_length","shape":[2,1],"datatype":"FP32","data":[1.4,5.2]},
              {"datatype":"INT64","data":[0,2],"name":"petal_width","shape":[2,1]}]}
            """;
        var rejections = new Rejections();
        using var batch = InferRequestReader.Read(Encoding.UTF8.GetBytes(json), _iris, 1000, UnknownFieldPolicy.Reject, rejections, out var id);
        Assert.False(rejections.Any, string.Join("; ", rejections.Errors.Select(e => $"{e.Key}: {e.Value[0]}")));
        Assert.Equal("r1", id);
        Assert.Equal(2, batch!.Rows);
        Assert.Equal(6.7, batch.Number(0, 1));
        Assert.Equal(2, batch.Number(3, 1));
    }

    [Theory]
    [InlineData("""{"name":"sepal_length","shape":[1,1],"datatype":"BYTES","data":["5.1"]}""", "inputs.sepal_length", "Datatype")]
    [InlineData("""{"name":"sepal_length","shape":[1,3],"datatype":"FP32","data":[5.1,1,2]}""", "inputs.sepal_length", "shape")]
    [InlineData("""{"name":"sepal_length","shape":[1,1],"datatype":"FP32","data":[5.1,6.1]}""", "inputs.sepal_length", "2 values")]
    [InlineData("""{"name":"sepal_length","shape":[1,1],"datatype":"INT64","data":[5.5]}""", "inputs.sepal_length[0]", "integer")]
    [InlineData("""{"name":"colour","shape":[1,1],"datatype":"BYTES","data":["blue"]}""", "inputs.colour", "Unknown input")]
    public void Infer_rejections_name_the_input(string tensor, string field, string reason)
    {
        var others = """
            {"name":"sepal_width","shape":[1,1],"datatype":"FP32","data":[3.5]},
            {"name":"petal_length","shape":[1,1],"datatype":"FP32","data":[1.4]},
            {"name":"petal_width","shape":[1,1],"datatype":"FP32","data":[0.2]}
            """;
        var sepal = tensor.Contains("colour", StringComparison.Ordinal) ? """{"name":"sepal_length","shape":[1,1],"datatype":"FP32","data":[5.1]},""" : "";
        var json = $$"""{"inputs":[{{sepal}}{{tensor}},{{others}}]}""";
        var rejections = new Rejections();
        using var batch = InferRequestReader.Read(Encoding.UTF8.GetBytes(json), _iris, 1000, UnknownFieldPolicy.Reject, rejections, out _);
        Assert.Null(batch);
        Assert.Contains(reason, rejections.Errors[field][0], StringComparison.Ordinal);
    }
}
