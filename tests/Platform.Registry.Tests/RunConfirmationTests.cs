using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Registry.Gate;
using Platform.Registry.Infrastructure;

namespace Platform.Registry.Tests;

/// <summary>
/// The Registry trusts a <see cref="ModelTrained"/> only as far as Training confirms it: the run must exist, have
/// succeeded, belong to the model and have produced exactly the announced artifact.
/// </summary>
public sealed class RunConfirmationTests : IDisposable
{
    private static readonly byte[] Artifact = Encoding.UTF8.GetBytes("onnx bytes");
    private static readonly string ArtifactSha = Convert.ToHexStringLower(SHA256.HashData(Artifact));
    private readonly SqliteConnection _connection = new("DataSource=:memory:");
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), "registry-confirm-" + Guid.NewGuid().ToString("N"));

    public RunConfirmationTests() => _connection.Open();

    [Fact]
    public async Task A_run_Training_confirms_is_registered()
    {
        var trained = Trained();
        var version = await Registrar(Training(trained.RunId, "iris", "succeeded", ArtifactSha), out var db).RegisterAsync(trained, default);
        Assert.Equal(1, version?.Version);
        Assert.Equal(1, await db.Versions.CountAsync());
    }

    [Theory]
    [InlineData("iris", "succeeded", "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("wine", "succeeded", null)]
    [InlineData("iris", "running", null)]
    public async Task A_forged_or_mismatched_event_registers_nothing(string model, string status, string? sha)
    {
        var trained = Trained();
        var registrar = Registrar(Training(trained.RunId, model, status, sha ?? ArtifactSha), out var db);
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => registrar.RegisterAsync(trained, default));
        Assert.Contains("does not match the run Training reports", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.Versions.CountAsync());
    }

    [Fact]
    public async Task An_event_for_a_run_Training_does_not_know_registers_nothing()
    {
        var trained = Trained();
        var registrar = Registrar(Training(Guid.NewGuid(), "iris", "succeeded", ArtifactSha), out var db);
        await Assert.ThrowsAsync<HttpRequestException>(() => registrar.RegisterAsync(trained, default));
        Assert.Equal(0, await db.Versions.CountAsync());
    }

    private static ModelTrained Trained() => new(
        Guid.NewGuid(), "iris", "iris", 1, new string('d', 64), new Uri("http://ingestion/datasets/iris/versions/1/content"), "upload",
        "multiclass", "species", "sdca", [new ColumnInfo("x", "numeric", null)], ["a", "b"], "macro_accuracy", true,
        new Dictionary<string, double> { ["macro_accuracy"] = 0.9 }, null, null,
        new Uri("http://training/runs/artifact/model.onnx"), ArtifactSha, Artifact.Length, DateTimeOffset.UtcNow);

    /// <summary>Training as the Registry sees it over HTTP: one run, and the artifact.</summary>
    private static HttpMessageHandler Training(Guid runId, string model, string status, string sha) => new Stub(request =>
        request.RequestUri!.AbsolutePath == $"/runs/{runId}"
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($$"""{"model":"{{model}}","status":"{{status}}","artifactSha256":"{{sha}}"}""", Encoding.UTF8, "application/json") }
            : request.RequestUri.AbsolutePath.EndsWith("model.onnx", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Artifact) }
                : new HttpResponseMessage(HttpStatusCode.NotFound));

    private ModelRegistrar Registrar(HttpMessageHandler training, out RegistryDbContext db)
    {
        db = new RegistryDbContext(new DbContextOptionsBuilder<RegistryDbContext>().UseSqlite(_connection).Options);
        db.Database.EnsureCreated();
        var options = Options.Create(new RegistryOptions { ArtifactsPath = _artifacts });
        return new ModelRegistrar(db, new ArtifactStore(options), new HttpClient(training), new PromotionPolicy(options), options, NullLogger<ModelRegistrar>.Instance);
    }

    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }

    public void Dispose()
    {
        _connection.Dispose();
        if (Directory.Exists(_artifacts)) Directory.Delete(_artifacts, recursive: true);
    }
}
