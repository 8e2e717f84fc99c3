using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Training.Model;

namespace Platform.Training;

/// <summary>Finished training runs as OpenTelemetry instruments (tags model, trigger, status), for dashboards and alerts.</summary>
public static class TrainingMetrics
{
    private static readonly Counter<long> Runs = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.training.runs", description: "Training runs finished (tags model, trigger, status: succeeded or failed)");
    private static readonly Histogram<double> Duration = PlatformTelemetry.Meter.CreateHistogram<double>(
        "platform.training.run.duration", "s", "Training run duration, download to recorded result");

    public static void Finished(TrainingRun run)
    {
        var tags = new TagList { { "model", run.ModelName }, { "trigger", run.Trigger }, { "status", run.Status.ToString().ToLowerInvariant() } };
        Runs.Add(1, tags);
        Duration.Record(run.DurationSeconds, tags);
    }
}
