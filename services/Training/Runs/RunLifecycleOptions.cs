using System.ComponentModel.DataAnnotations;

namespace Platform.Training.Runs;

/// <summary>How runs are queued, executed, watched and recovered (<c>Training:Runs</c>).</summary>
public sealed class RunLifecycleOptions
{
    /// <summary>Runs executing at once in this process (never two of one model). Training is CPU-bound: keep it at or below the cores.</summary>
    [Range(1, 64)]
    public int MaxParallelRuns { get; set; } = 2;

    /// <summary>Starts of a run before an interruption (process killed, host gone) fails it: the first try and one retry.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 2;

    /// <summary>How often a running run's owner records that it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A run whose owner has not said it is alive for this long is taken as interrupted (another replica's or this host's).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often interrupted runs are looked for (also at start-up).</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the queue is looked at when nothing signalled new work (another replica may have queued some).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At shutdown, how long cancelled runs get to stop before they are put back in the queue (within the host's 30 s).</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After a dependency outage (database, Ingestion, Registry), how long a paused run waits before it starts again.</summary>
    public TimeSpan OutageRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Outage pauses of one run before it fails with the outage as its reason (default: about 10 minutes).</summary>
    [Range(0, 1000)]
    public int MaxOutagePauses { get; set; } = 40;

    /// <summary>How often Training asks Ingestion for dataset versions that have no run (also shortly after start-up).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Names this process as the owner of its runs; the same name after a restart means its old runs are dead.</summary>
    public string InstanceName { get; set; } = Environment.MachineName;
}
