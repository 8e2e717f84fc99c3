using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Contracts;

namespace Platform.Registry.Tests;

/// <summary>
/// Training as the Registry sees it over HTTP (an in-memory double): its run list, each run's status and artifact
/// hash, the model.onnx bytes and the ModelTrained a run kept (model-trained.json). Counts the requests per path.
/// </summary>
public sealed class FakeTraining : HttpMessageHandler
{
    public static readonly byte[] Artifact = Encoding.UTF8.GetBytes("onnx bytes");
    public static readonly string ArtifactSha = Convert.ToHexStringLower(SHA256.HashData(Artifact));

    private readonly ConcurrentDictionary<Guid, Run> _runs = new();
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);

    /// <summary>When a run finished unless the test says: a minute before the harness's clock starts.</summary>
    public static readonly DateTimeOffset Finished = new(2026, 11, 30, 23, 59, 0, TimeSpan.Zero);

    private readonly ConcurrentQueue<string> _listQueries = new();

    /// <param name="Event">What the run kept; null: a run from before runs kept it.</param>
    /// <param name="ArtifactSha256">The hash Training reports for the run's artifact.</param>
    /// <param name="FinishedAt">When the run finished (<see cref="Finished"/> when not given); what ?finishedAfter= compares.</param>
    public sealed record Run(string Model, string Status, string ArtifactSha256, ModelTrained? Event, DateTimeOffset? FinishedAt = null);

    public void Add(Guid id, Run run) => _runs[id] = run;

    public int Requests(string path) => _requests.GetValueOrDefault(path);

    /// <summary>The query strings GET /runs was asked with, in order ("" for none).</summary>
    public IReadOnlyList<string> ListQueries => [.. _listQueries];

    public static string EventPath(Guid runId) => $"/runs/{runId}/artifacts/model-trained.json";

    /// <summary>A succeeded regression run's event, with the metric the gate judges and the rows it trained on.</summary>
    public static ModelTrained Trained(Guid runId, double r2, int? rowFrom = null, int? rowTo = null) => new(
        runId, "diabetes", "diabetes", 1, new string('d', 64), new Uri("http://ingestion/datasets/diabetes/versions/1/content"), "dataset-uploaded",
        "regression", "target", "sdca", [new ColumnInfo("bmi", "numeric", null)], null, "r2", true,
        new Dictionary<string, double> { ["r2"] = r2 }, null, null,
        new Uri($"http://training/runs/{runId}/artifacts/model.onnx"), ArtifactSha, Artifact.Length, DateTimeOffset.UtcNow,
        TrainingRowFrom: rowFrom, TrainingRowTo: rowTo);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        return Task.FromResult(Answer(path, request.RequestUri.Query));
    }

    private HttpResponseMessage Answer(string path, string query)
    {
        if (path == "/runs")
        {
            _listQueries.Enqueue(query.TrimStart('?'));
            // Training's filters, as GET /runs applies them.
            var parameters = System.Web.HttpUtility.ParseQueryString(query);
            var status = parameters["status"];
            DateTimeOffset? after = parameters["finishedAfter"] is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
            return Json(_runs.Where(r => (status is null || r.Value.Status == status) && (after is null || FinishedAt(r.Value) > after))
                .Select(r => Response(r.Key, r.Value)).ToList());
        }

        foreach (var (id, run) in _runs)
        {
            if (path == $"/runs/{id}") return Json(Response(id, run));
            if (path == EventPath(id) && run.Event is not null) return Json(run.Event);
            if (path == $"/runs/{id}/artifacts/model.onnx") return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Artifact) };
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static DateTimeOffset? FinishedAt(Run run) => run.Status == RunStatuses.Succeeded || run.Status == RunStatuses.Failed ? run.FinishedAt ?? Finished : null;

    /// <summary>The run as Training's read model has it (the fields the Registry reads set, the rest plausible).</summary>
    private static RunResponse Response(Guid id, Run run) => new(
        id, run.Model, run.Status, run.Status, null, "dataset", run.Model, 1, new string('d', 64), "regression", "target", "sdca", 42,
        null, null, null, "r2", null, null, 80, 20, run.ArtifactSha256, Artifact.Length, null, null,
        Finished.AddMinutes(-1), FinishedAt(run), 60, Finished.AddMinutes(-2), 1, 1, null);

    private static HttpResponseMessage Json<T>(T body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(body, ModelRegistrar.Json), Encoding.UTF8, "application/json") };
}
