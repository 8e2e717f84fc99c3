using Platform.Contracts;
using System.Collections.Concurrent;
using Platform.Ml.Models;

namespace Platform.Training;

/// <summary>Live progress of the runs this process is training, shown by GET /runs/{id} while a run is long.</summary>
public sealed class RunProgress
{
    private readonly ConcurrentDictionary<Guid, TrainingProgress> _latest = new();

    public IProgress<TrainingProgress> For(Guid runId) => new Reporter(this, runId);

    public TrainingProgress? Get(Guid runId) => _latest.TryGetValue(runId, out var progress) ? progress : null;

    public void Forget(Guid runId) => _latest.TryRemove(runId, out _);

    private sealed class Reporter(RunProgress owner, Guid runId) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => owner._latest[runId] = value;
    }
}
