namespace Platform.Training.DataPolicy;

public enum RetrainWaitStatus
{
    /// <summary>Too few labelled rows newer than the drift: no run yet.</summary>
    Awaiting,

    /// <summary>Enough arrived; the drift run started.</summary>
    Started,
}

/// <summary>A drift report that wants a retrain, and how many labelled rows newer than the drift it has and needs.</summary>
public sealed class RetrainWait
{
    /// <summary>The drift report's id (the run's trigger key is "drift:{id}").</summary>
    public Guid Id { get; set; }

    public required string ModelName { get; set; }
    public required string DatasetName { get; set; }

    /// <summary>"data" or "concept".</summary>
    public required string Kind { get; set; }

    /// <summary>When the drifted window began: rows uploaded after this are new.</summary>
    public DateTimeOffset Since { get; set; }

    /// <summary>Rows that predate the drift: those of the newest version observed before <see cref="Since"/> (recomputed as versions arrive).</summary>
    public long BaseRows { get; set; }

    public int BaseVersion { get; set; }
    public long HaveRows { get; set; }
    public long NeededRows { get; set; }
    public RetrainWaitStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }

    public string Progress => $"awaiting labelled data: {HaveRows} of {NeededRows} rows";
}
