using Platform.Ml;
using Platform.Ml.Models;

namespace Platform.Inference.Serving;

/// <summary>
/// A loaded model version. Requests lease it; when a newer version replaces it, it is retired and its ONNX session
/// is disposed only after the last in-flight request has released it, so a swap never fails a request.
/// </summary>
public sealed class ServedModel(string name, int version, DateTimeOffset promotedAt, OnnxScorer scorer)
{
    private int _leases;
    private int _retired;
    private int _disposed;

    public string Name { get; } = name;
    public int Version { get; } = version;

    /// <summary>When the Registry moved production here: the order of swaps (a rollback promotes an older version later).</summary>
    public DateTimeOffset PromotedAt { get; } = promotedAt;
    public OnnxScorer Scorer { get; } = scorer;
    public ModelSignature Signature => Scorer.Signature;

    public bool TryAcquire()
    {
        Interlocked.Increment(ref _leases);
        if (Volatile.Read(ref _retired) == 0) return true;
        Release();
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && Volatile.Read(ref _retired) == 1) DisposeOnce();
    }

    public void Retire()
    {
        Volatile.Write(ref _retired, 1);
        if (Volatile.Read(ref _leases) == 0) DisposeOnce();
    }

    private void DisposeOnce()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Scorer.Dispose();
    }
}
