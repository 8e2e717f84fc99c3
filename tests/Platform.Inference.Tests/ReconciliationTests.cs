using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Platform.Inference.Serving;
using Platform.Tests;

namespace Platform.Inference.Tests;

/// <summary>The Registry moves production without any event reaching this replica: reconciliation follows it. On a host of its own.</summary>
public sealed class ReconciliationTests(InferenceHost host) : IClassFixture<InferenceHost>
{
    private RegistryReconciler Reconciler => host.Services.GetRequiredService<RegistryReconciler>();

    [Fact]
    public async Task A_promotion_a_rollback_and_a_removal_without_events_are_followed_and_pinned_versions_stay()
    {
        using var client = host.Client();
        Assert.Equal(1, await ServedIrisVersionAsync(client, "models/iris/predict"));
        Assert.Equal(2, await ServedIrisVersionAsync(client, "models/iris/versions/2/predict")); // pinned

        host.Production["iris"] = (2, InferenceHost.FirstPromotion.AddHours(1));
        Assert.Equal(0, await Reconciler.ReconcileAsync(CancellationToken.None));
        Assert.Equal(2, await ServedIrisVersionAsync(client, "models/iris/predict"));

        host.Production["iris"] = (1, InferenceHost.FirstPromotion.AddHours(2)); // a rollback: a newer promotion of v1
        await Reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Equal(1, await ServedIrisVersionAsync(client, "models/iris/predict"));

        host.Production.TryRemove("diabetes", out var diabetes);
        await Reconciler.ReconcileAsync(CancellationToken.None);
        using (var gone = await client.PostAsync("models/diabetes/predict", Json("""{"instances":[{"age":0.01}]}""")))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(2, await ServedIrisVersionAsync(client, "models/iris/versions/2/predict"));

        host.Production["diabetes"] = diabetes;
        await Reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Equal(1, host.Catalog.Current("diabetes")?.Version);

        // An event promotes v2 later than the Registry's answer says v1 was (a read that raced the promotion): the
        // older answer never replaces the newer promotion.
        await host.PromoteAsync("iris", 2, InferenceHost.FirstPromotion.AddYears(1));
        await Eventually.HoldsAsync(() => host.Catalog.Current("iris")?.Version == 2, TimeSpan.FromSeconds(30), "iris v2 to be served");
        await Reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Equal(2, await ServedIrisVersionAsync(client, "models/iris/predict"));
    }

    [Fact]
    public async Task A_production_version_that_cannot_be_loaded_keeps_the_current_one_and_is_reported()
    {
        var before = host.Catalog.Current("iris")!;
        var previous = host.Production["iris"];
        host.Production["iris"] = (3, InferenceHost.FirstPromotion.AddYears(10)); // v3's artifact is not an ONNX model
        try
        {
            Assert.Equal(1, await Reconciler.ReconcileAsync(CancellationToken.None));
            Assert.Same(before, host.Catalog.Current("iris"));
        }
        finally
        {
            host.Production["iris"] = previous;
        }
    }

    private static async Task<int> ServedIrisVersionAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(path, Json($$"""{"instances":[{{TrainedModels.IrisInstance}}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
