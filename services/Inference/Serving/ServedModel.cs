using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Serving;

/// <summary>
/// A loaded model version. Requests lease it; when a newer version replaces it, it is retired and its ONNX session
/// is disposed only after the last in-flight request has released it, so a swap never fails a request.
/// </summary>
public sealed class ServedModel
{
    private int _leases;
    private int _retired;
    private int _disposed;

    public ServedModel(string name, int version, DateTimeOffset promotedAt, OnnxScorer scorer)
    {
        Name = name;
        Version = version;
        PromotedAt = promotedAt;
        Scorer = scorer;
        Features = FeatureNames.Of(scorer.Signature);
        NumericFeatures = Signature.Inputs.Where(i => i.Kind != ColumnKind.Categorical).Select(i => i.Name).ToArray();
        CategoricalFeatures = Signature.Inputs.Where(i => i.Kind == ColumnKind.Categorical).Select(i => i.Name).ToArray();
        Coalescer = new RowCoalescer(scorer);
        ModelTag = new("model", name);
        VersionTag = new("version", version);
        EncodedClassLabels = Signature.ClassLabels?.Select(l => System.Text.Json.JsonEncodedText.Encode(l)).ToArray() ?? [];
    }

    /// <summary>The <c>model</c> and <c>version</c> tags of this version's metrics, built once (the version boxed once, not per request).</summary>
    public KeyValuePair<string, object?> ModelTag { get; }
    public KeyValuePair<string, object?> VersionTag { get; }

    /// <summary>Coalesces this version's concurrent single-row requests into shared ONNX Runtime calls.</summary>
    public RowCoalescer Coalescer { get; }

    /// <summary>The class labels as JSON property names, escaped once per version rather than once per row.</summary>
    public System.Text.Json.JsonEncodedText[] EncodedClassLabels { get; }

    public string Name { get; }
    public int Version { get; }

    /// <summary>When the Registry moved production here: the order of swaps (a rollback promotes an older version later).</summary>
    public DateTimeOffset PromotedAt { get; }
    public OnnxScorer Scorer { get; }
    public ModelSignature Signature => Scorer.Signature;

    /// <summary>The inputs' names pre-encoded for the request readers (built once per version, not per request).</summary>
    public FeatureNames Features { get; }

    /// <summary>The logged feature lists (the order of <c>PredictionsLogged</c>'s arrays), built once.</summary>
    public string[] NumericFeatures { get; }
    public string[] CategoricalFeatures { get; }

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
