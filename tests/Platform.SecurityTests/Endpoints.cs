using System.Net.Http.Headers;
using System.Text;

namespace Platform.SecurityTests;

/// <summary>How an endpoint takes its input, which decides the attacks that apply to it.</summary>
public enum BodyKind
{
    None,
    Json,
    Csv,
}

/// <param name="Key">The endpoint as the README's matrix names it: method and route template.</param>
/// <param name="Path">A concrete path against the fixture's data (model and dataset "diabetes", version 1, its run).</param>
/// <param name="Roles">Roles that pass (operator passes wherever any role does); empty: no key needed.</param>
/// <param name="Success">The status an allowed caller gets with <paramref name="Body"/>: shows it got past the key check.</param>
/// <param name="Body">A well-formed body (harmless: it changes nothing the other tests rely on).</param>
public sealed record Endpoint(string Service, string Key, string Path, string[] Roles, int Success, BodyKind Kind = BodyKind.None, string? Body = null)
{
    public string Method => Key.Split(' ')[0];

    public bool Anonymous => Roles.Length == 0;

    public bool Allows(string? role) => Anonymous || (role is not null && (role == "operator" || Roles.Contains(role) || Roles.Contains("reader")));

    public HttpRequestMessage Request(string? path = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), path ?? Path);
        request.Content = content ?? Content();
        return request;
    }

    public HttpContent? Content() => Kind switch
    {
        BodyKind.Json => new StringContent(Body ?? "{}", Encoding.UTF8, "application/json"),
        BodyKind.Csv => new StringContent(Body ?? "", Encoding.UTF8, new MediaTypeHeaderValue("text/csv")),
        _ => null,
    };

    public override string ToString() => Key;
}

/// <summary>Every endpoint of every service (the embedded default hosts them all), with the roles that pass.</summary>
public static class Endpoints
{
    public const string Producer = "producer";
    public const string Consumer = "consumer";
    public const string Labeler = "labeler";
    public const string Reader = "reader";
    public const string Operator = "operator";
    public static readonly string[] Roles = [Producer, Consumer, Labeler, Reader, Operator];

    private const string Instance = """{"age":0.04,"sex":-0.04,"bmi":-0.006,"bp":-0.016,"s1":0.12,"s2":0.12,"s3":0.019,"s4":0.034,"s5":0.032,"s6":-0.005}""";
    public const string PredictBody = "{\"instances\":[" + Instance + "]}";

    public static string InferBody(double value = 0.01) =>
        "{\"inputs\":[" + string.Join(",", new[] { "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6" }
            .Select(f => $"{{\"name\":\"{f}\",\"shape\":[1,1],\"datatype\":\"FP64\",\"data\":[{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}]}}")) + "]}";

    /// <summary>The endpoints, with <paramref name="runId"/> the fixture's training run.</summary>
    public static IReadOnlyList<Endpoint> All(Guid runId) =>
    [
        new("all", "GET /health", "health", [], 200),
        new("all", "GET /alive", "alive", [], 200),
        new("all", "GET /openapi/v1.json", "openapi/v1.json", [], 200),
        // Operational counters for Prometheus: open like /health unless Metrics:Prometheus:RequiredRole is set.
        new("all", "GET /metrics", "metrics", [], 200),

        // A CSV without the target column: validated and rejected (400), so nothing is stored or trained.
        new("ingestion", "POST /datasets/{name}", "datasets/matrix?target=missing&task=regression", [Producer], 400, BodyKind.Csv, "x,y\n1,2\n"),
        new("ingestion", "GET /datasets", "datasets", [Reader], 200),
        new("ingestion", "GET /datasets/{name}", "datasets/diabetes", [Reader], 200),
        new("ingestion", "GET /datasets/{name}/versions/{version}", "datasets/diabetes/versions/1", [Reader], 200),
        new("ingestion", "GET /datasets/{name}/versions/{version}/content", "datasets/diabetes/versions/1/content", [Operator], 200),
        new("ingestion", "GET /datasets/{name}/versions/{version}/profile", "datasets/diabetes/versions/1/profile", [Operator], 200),
        new("ingestion", "GET /datasets/{name}/versions/{reference}/compare/{current}", "datasets/diabetes/versions/1/compare/1", [Operator], 200),

        new("training", "GET /runs", "runs?model=diabetes", [Reader], 200),
        new("training", "GET /runs/{id}", $"runs/{runId}", [Reader], 200),
        new("training", "GET /runs/{id}/artifacts/{file}", $"runs/{runId}/artifacts/run.json", [Operator], 200),
        // A model without data: 404, so no training is queued.
        new("training", "POST /models/{name}/retrain", "models/no-such-model/retrain", [Operator], 404, BodyKind.Json, """{"reason":"matrix"}"""),

        new("registry", "GET /models", "models", [Reader], 200),
        new("registry", "GET /models/{name}", "models/diabetes", [Reader], 200),
        new("registry", "GET /models/{name}/versions/{version}", "models/diabetes/versions/1", [Reader], 200),
        new("registry", "GET /models/{name}/versions/{version}/artifact", "models/diabetes/versions/1/artifact", [Operator], 200),
        new("registry", "GET /models/{name}/audit", "models/diabetes/audit", [Reader], 200),
        // Version 1 is in production already: the move is a no-op.
        new("registry", "POST /models/{name}/versions/{version}/promote", "models/diabetes/versions/1/promote", [Operator], 200, BodyKind.Json, """{"reason":"matrix"}"""),
        // No earlier production version: 409.
        new("registry", "POST /models/{name}/rollback", "models/diabetes/rollback", [Operator], 409, BodyKind.Json, """{"reason":"matrix"}"""),

        new("inference", "POST /models/{name}/predict", "models/diabetes/predict", [Consumer], 200, BodyKind.Json, PredictBody),
        new("inference", "POST /models/{name}/versions/{version}/predict", "models/diabetes/versions/1/predict", [Consumer], 200, BodyKind.Json, PredictBody),
        new("inference", "GET /models/{name}/signature", "models/diabetes/signature", [Reader], 200),
        new("inference", "GET /v2/health/live", "v2/health/live", [], 200),
        new("inference", "GET /v2/health/ready", "v2/health/ready", [], 200),
        new("inference", "GET /v2/models/{name}", "v2/models/diabetes", [Reader], 200),
        new("inference", "GET /v2/models/{name}/ready", "v2/models/diabetes/ready", [Reader], 200),
        new("inference", "POST /v2/models/{name}/infer", "v2/models/diabetes/infer", [Consumer], 200, BodyKind.Json, InferBody()),

        new("monitoring", "GET /drift/{model}", "drift/diabetes", [Reader], 200),
        new("monitoring", "GET /drift/{model}/reference", "drift/diabetes/reference", [Operator], 200),
        // A prediction id nobody logged: stored, joined never (202).
        new("monitoring", "POST /feedback", "feedback", [Labeler, Consumer], 202, BodyKind.Json,
            $$"""{"feedback":[{"predictionId":"{{Guid.NewGuid()}}","actual":1.5}]}"""),
        new("monitoring", "GET /feedback/submissions", "feedback/submissions?model=diabetes", [Reader], 200),
        // A submission nobody made: past the key check, then not found.
        new("monitoring", "GET /feedback/submissions/{id}", $"feedback/submissions/{Guid.NewGuid()}", [Reader], 404),
    ];
}
