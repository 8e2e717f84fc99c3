using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Platform.Inference;

public enum UnknownFieldPolicy
{
    /// <summary>A field the model does not take is a 400: a typo must not pass silently.</summary>
    Reject,
    Ignore,
}

public sealed class InferenceOptions
{
    [Required]
    public Uri RegistryUrl { get; set; } = new("http://registry");

    /// <summary>
    /// How often the replica re-reads the Registry's production versions and loads, swaps or unloads to match: the
    /// longest a promotion whose event this replica missed (broker restart, disconnection) goes unserved. 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 100_000)]
    public int MaxBatchRows { get; set; } = 1000;

    /// <summary>
    /// What to do with a field (predict) or input tensor (v2 infer) the model does not take, for every model:
    /// <see cref="UnknownFieldPolicy.Reject"/> (default) or <see cref="UnknownFieldPolicy.Ignore"/>.
    /// <see cref="UnknownFieldsByModel"/> overrides it per model name.
    /// </summary>
    public UnknownFieldPolicy UnknownFields { get; set; } = UnknownFieldPolicy.Reject;

    /// <summary>Per-model override of <see cref="UnknownFields"/>: <c>Inference:UnknownFieldsByModel:&lt;model&gt;=Ignore</c>.</summary>
    public Dictionary<string, UnknownFieldPolicy> UnknownFieldsByModel { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Largest request body read, in bytes; a larger one is a 413 problem.</summary>
    [Range(1024, 1_073_741_824)]
    public int MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Non-production versions kept loaded for <c>/models/{name}/versions/{v}/predict</c>.</summary>
    [Range(1, 1000)]
    public int MaxPinnedVersions { get; set; } = 4;

    public UnknownFieldPolicy UnknownFieldsFor(string model) =>
        UnknownFieldsByModel.TryGetValue(model, out var policy) ? policy : UnknownFields;

    /// <summary>Prediction log: rows buffered before the logger starts dropping (and counting) them.</summary>
    [Range(1, 10_000_000)]
    public int LogBufferRows { get; set; } = 50_000;

    /// <summary>Above half of <see cref="LogBufferRows"/>, one row in this many is logged (the rest are counted as dropped).</summary>
    [Range(1, 1_000_000)]
    public int LogSampleEvery { get; set; } = 10;

    [Range(1, 100_000)]
    public int LogBatchRows { get; set; } = 500;

    public TimeSpan LogFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Rows the publisher holds while the broker refuses them (retried with backoff, new rows keep being collected).
    /// Past this bound the oldest held rows are dropped and counted (<c>platform.inference.log.failed{reason=overflow}</c>,
    /// and in the next batch's <c>Dropped</c>). The default holds a few minutes of a busy replica's log (~100 MB).
    /// </summary>
    [Range(1, 100_000_000)]
    public int LogRetryRows { get; set; } = 200_000;

    /// <summary>
    /// The embedded default (Monitoring in this process, the in-memory bus, whose queues are unbounded): rows published
    /// and not yet taken by Monitoring, at most. At the bound further rows wait in the publisher, within
    /// <see cref="LogRetryRows"/> (past it the oldest are dropped and counted, as while a broker refuses them). A batch
    /// is never split for it: with a bound below <see cref="LogBatchRows"/> one batch at a time is queued. Ignored on a broker.
    /// </summary>
    [Range(1, 100_000_000)]
    public int LogUnconsumedRows { get; set; } = 5_000;

    /// <summary>
    /// The prediction log's spool: a folder of memory-mapped segment files into which every logged row is written before
    /// its predict is answered, so that a killed process (<c>kill -9</c>, a crash) loses none: the rows not yet published
    /// are published at the next start (<see cref="Serving.PredictionSpool"/>). Relative paths are under the content root.
    /// One replica per folder (a second one fails at start); empty turns the spool off (rows held at a kill are lost).
    /// Not kept across a power loss: nothing is fsynced.
    /// </summary>
    public string LogSpoolPath { get; set; } = "data/inference/spool";

    /// <summary>The spool's bound. Above half of it rows are sampled as above half of <see cref="LogBufferRows"/>; full, dropped (counted).</summary>
    [Range(1024 * 1024, 1L << 40)]
    public long LogSpoolBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>One segment file: deleted once every row in it is published (or dropped and counted).</summary>
    [Range(64 * 1024, 1L << 32)]
    public long LogSpoolSegmentBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>First wait before retrying a refused batch; doubled on each failure up to <see cref="LogRetryMaxDelay"/>.</summary>
    public TimeSpan LogRetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan LogRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Adaptive batching of concurrent single-row requests (<c>Inference:Batching</c>).</summary>
    [ValidateObjectMembers]
    public BatchingOptions Batching { get; set; } = new();

    /// <summary>This replica's name in logged predictions.</summary>
    public string Replica { get; set; } = Environment.MachineName;
}

/// <summary>
/// Single-row requests for the same model version that arrive while its previous ONNX Runtime call is running are
/// scored together in the next call (<see cref="Serving.RowCoalescer"/>); a lone request is never held back.
/// </summary>
public sealed class BatchingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Most rows scored in one call; more waiting requests make the next call.</summary>
    [Range(2, 4096)]
    public int MaxRows { get; set; } = 64;

    /// <summary>
    /// Rows wait for a running call only for a model version whose single-row calls take at least this long (the fastest
    /// of its recent calls, so a busy machine does not make a cheap model look slow): below it
    /// handing rows between threads costs more than the calls it saves (measured with bench/perf/run.sh: iris LightGBM,
    /// ~20-40 µs a call, ran no faster coalesced on two cores). 200 µs; zero coalesces for every model.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan MinCallTime { get; set; } = TimeSpan.FromMilliseconds(0.2);
}
