using Platform.Ml.Data;

namespace Platform.Ml;

/// <summary>One named input of a model.</summary>
/// <param name="Categories">For categorical inputs, the categories seen in training (others are encoded as all-zero).</param>
/// <param name="AllowsMissing">Whether the model replaces a missing value (NaN / null) for this input.</param>
public sealed record FeatureSpec(string Name, ColumnKind Kind, IReadOnlyList<string>? Categories = null, bool AllowsMissing = true);

/// <summary>What a model takes and gives: the contract that Inference validates requests against.</summary>
/// <param name="ClassLabels">For classifiers, the labels in the order of the probability outputs.</param>
public sealed record ModelSignature(
    MlTask Task,
    string Target,
    IReadOnlyList<FeatureSpec> Inputs,
    IReadOnlyList<string>? ClassLabels);
