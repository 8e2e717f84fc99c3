using Platform.Inference.Serving;

namespace Platform.Inference.Tests;

public static class StartedLog
{
    /// <summary>Starts the log as the host does before it takes requests (its spool opens and replays).</summary>
    public static PredictionLog Started(this PredictionLog log)
    {
        var started = log.StartAsync(CancellationToken.None);
        Assert.True(started.IsCompletedSuccessfully);
        return log;
    }
}
