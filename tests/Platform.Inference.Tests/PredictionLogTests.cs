using Microsoft.Extensions.Options;
using Platform.Inference.Serving;

namespace Platform.Inference.Tests;

public sealed class PredictionLogTests
{
    [Fact]
    public void Above_half_full_it_samples_and_when_full_it_drops_counting_both()
    {
        using var folder = new SpoolFolder();
        using var log = new PredictionLog(Options.Create(new InferenceOptions { LogBufferRows = 100, LogSampleEvery = 10, LogSpoolPath = folder.Path })).Started();
        var record = new PredictionRecord("m", 1, [], [], new Platform.Contracts.LoggedPrediction(Guid.NewGuid(), DateTimeOffset.UtcNow, [], [], "x", null));

        var kept = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (!log.ShouldLog()) continue;
            log.Write(record);
            kept++;
        }

        Assert.Equal(100, log.Reader.Count);            // never more than the buffer
        Assert.Equal(1000 - 100, log.TakeDropped());      // every row not buffered is counted
        Assert.InRange(kept, 100, 200);                   // 50 below half, then one in ten offered
        Assert.Equal(0, log.TakeDropped());
    }
}
