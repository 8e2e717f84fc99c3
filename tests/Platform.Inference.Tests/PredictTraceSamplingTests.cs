using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Tracing;

namespace Platform.Inference.Tests;

public sealed class PredictTraceSamplingTests
{
    [Theory]
    [InlineData("/models/iris/predict", true)]
    [InlineData("/models/iris/versions/3/predict", true)]
    [InlineData("/v2/models/iris/infer", true)]
    [InlineData("/v2/models/iris/versions/3/infer", true)]
    [InlineData("/datasets/iris", false)]
    [InlineData("/models/iris/promote", false)]
    [InlineData("/models/iris", false)]
    [InlineData("/predict", false)]
    [InlineData("/runs/x/predict", false)]
    public void Only_prediction_routes_are_sampled(string path, bool prediction) =>
        Assert.Equal(prediction, PredictTraceSampling.IsPrediction(new PathString(path)));

    [Fact]
    public void Requests_other_than_predictions_are_always_recorded_even_at_ratio_zero()
    {
        using var activity = new Activity("request").Start();
        Assert.True(PredictTraceSampling.ShouldRecord(new PathString("/datasets/iris"), activity, ratio: 0));
        Assert.True(PredictTraceSampling.ShouldRecord(new PathString("/models/iris/versions/2/promote"), activity, ratio: 0));
    }

    [Fact]
    public void A_prediction_follows_its_callers_sampling_decision_whatever_the_ratio()
    {
        // As the SDK's default (parent-based) sampler decides before the filter runs: a remote parent's flag is kept.
        using var source = new ActivitySource("Platform.Tests.Sampling");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Parent == default || o.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);
        var sampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var notSampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        using (var traced = source.StartActivity("predict", ActivityKind.Server, sampled))
        {
            Assert.True(traced!.HasRemoteParent);
            Assert.True(PredictTraceSampling.ShouldRecord(new PathString("/models/iris/predict"), traced, ratio: 0));
        }

        using (var untraced = source.StartActivity("predict", ActivityKind.Server, notSampled))
        {
            Assert.False(PredictTraceSampling.ShouldRecord(new PathString("/models/iris/predict"), untraced!, ratio: 1));
        }
    }

    [Fact]
    public void Root_predictions_are_recorded_in_the_configured_share_and_the_same_trace_always_gets_the_same_answer()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => ActivityTraceId.CreateRandom()).ToArray();
        var share = ids.Count(id => PredictTraceSampling.InRatio(id, 0.1)) / (double)ids.Length;
        Assert.InRange(share, 0.09, 0.11);
        Assert.All(ids.Take(100), id => Assert.Equal(PredictTraceSampling.InRatio(id, 0.1), PredictTraceSampling.InRatio(id, 0.1)));
        Assert.All(ids.Take(100), id => Assert.True(PredictTraceSampling.InRatio(id, 1)));
        Assert.All(ids.Take(100), id => Assert.False(PredictTraceSampling.InRatio(id, 0)));
        // A trace kept at a lower ratio is kept at every higher one (the decision is a threshold on the id).
        Assert.All(ids.Where(id => PredictTraceSampling.InRatio(id, 0.05)), id => Assert.True(PredictTraceSampling.InRatio(id, 0.2)));
    }
}
