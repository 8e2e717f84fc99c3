using System.Text.Json.Serialization;

// POST /predict reads the whole body (as the gateway must) and answers a constant prediction-shaped JSON object.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));

var app = builder.Build();
var answer = new Answer("iris", 1, [new Prediction("setosa", new Dictionary<string, float> { ["setosa"] = 0.98f, ["versicolor"] = 0.01f, ["virginica"] = 0.01f })]);
app.MapPost("/predict", async (HttpRequest request) =>
{
    var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
    try
    {
        while (await request.Body.ReadAsync(buffer) > 0) { }
    }
    finally
    {
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }

    return TypedResults.Ok(answer);
});
app.Run();

public sealed record Prediction(string Label, Dictionary<string, float> Probabilities);

public sealed record Answer(string Model, int Version, Prediction[] Predictions);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Answer))]
internal sealed partial class BareJsonContext : JsonSerializerContext;
