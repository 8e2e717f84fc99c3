using System.ComponentModel.DataAnnotations;

namespace Platform.Training.DataPolicy;

/// <summary>Which rows of a model's dataset a run starts from (<see cref="DataPolicyOptions.Mode"/>).</summary>
public enum DataPolicyMode
{
    /// <summary>Every row of the newest version.</summary>
    All,

    /// <summary>The newest <see cref="DataPolicyOptions.MaxRows"/> rows of the newest version.</summary>
    Newest,
}

/// <summary>
/// The training-data policy (<c>Training:DataPolicy</c>). Versions of a dataset are appends (producers' and Monitoring's
/// labelled rows alike), so the newest version holds every row in arrival order and "newest rows" means its last rows.
/// <list type="bullet">
/// <item>Uploads and operator retrains: <see cref="Mode"/> (default <see cref="DataPolicyMode.Newest"/> with
/// <see cref="MaxRows"/> 50,000: everything for most datasets, a sliding window for large ones).</item>
/// <item>Drift retrains: only rows that arrived after the drift began (the world changed; older rows teach the old one),
/// at least <see cref="MinNewRows"/> of them; until they are there the model is "awaiting labelled data: n of m rows"
/// and no run starts. Capped by <see cref="MaxRows"/>.</item>
/// <item>Once the model has a champion, the newest <see cref="GateFraction"/> of the selected rows (at most
/// <see cref="MaxGateRows"/>) are held out of training: the Registry's gate scores champion and challenger on them.</item>
/// </list>
/// Recency weighting is not offered: the ML library trains unweighted; the drift window is the platform's answer to a changed world.
/// </summary>
public sealed class DataPolicyOptions
{
    public DataPolicyMode Mode { get; set; } = DataPolicyMode.Newest;

    [Range(10, 100_000_000)]
    public int MaxRows { get; set; } = 50_000;

    /// <summary>Labelled rows newer than a drift needed before it starts a retrain.</summary>
    [Range(10, 10_000_000)]
    public int MinNewRows { get; set; } = 1000;

    /// <summary>
    /// A drift retrain drops the first rows since the drift when the champion's loss rose after them beyond chance
    /// (Pettitt's test, one-sided p below this): the drift window began before the world changed, and the rows on which
    /// the champion was still right teach the old world. 0 turns it off.
    /// </summary>
    [Range(0.0, 1.0)]
    public double ChangePointP { get; set; } = 0.001;

    /// <summary>
    /// After a drift's retrain succeeded, it follows up on the changed world once the labelled rows since the drift are
    /// this many times those its last retrain had (1.5: every retrain after the first has at least half as many rows
    /// again, so its estimates are noticeably tighter — standard errors shrink with √n — and retrains stay logarithmic in
    /// the rows that arrive). Keep it at least 1 / (1 − <see cref="GateFraction"/>) (1.25 by default): then the follow-up's
    /// gate rows all arrived after every row the last retrain trained on or was judged on.
    /// </summary>
    [Range(1.1, 100.0)]
    public double FollowUpGrowth { get; set; } = 1.5;

    /// <summary>Follow-ups per drift (0: none). With the defaults: at 1.5×, 2.25× and 3.4× the first retrain's rows.</summary>
    [Range(0, 100)]
    public int MaxFollowUps { get; set; } = 3;

    [Range(0.0, 0.5)]
    public double GateFraction { get; set; } = 0.2;

    [Range(0, 1_000_000)]
    public int MaxGateRows { get; set; } = 2000;

    /// <summary>Fewer gate rows than this are not held out (the gate would not trust them anyway).</summary>
    [Range(1, 1_000_000)]
    public int MinGateRows { get; set; } = 50;

    /// <summary>Holding out gate rows must leave at least this many rows to train on.</summary>
    [Range(10, 1_000_000)]
    public int MinTrainRows { get; set; } = 100;
}
