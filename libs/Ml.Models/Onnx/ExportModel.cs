namespace Platform.Ml.Models.Onnx;

/// <summary>One regression tree as ONNX wants it: internal nodes 0..n-1 go left when x[feature] &lt;= threshold; child ~i is leaf i.</summary>
internal sealed record ExportTree(int[] Left, int[] Right, int[] Feature, float[] Threshold, double[] Leaves);

/// <summary>How the features become the raw scores, one column per target (1 for regression and binary, K for multiclass).</summary>
internal abstract record RawScore(int Targets);

/// <summary>score[k] = Σ_f x[f]·Weights[k][f] + Bias[k], in float as ML.NET computes it.</summary>
internal sealed record LinearScore(float[][] Weights, float[] Bias) : RawScore(Bias.Length);

/// <summary>
/// score[k] = (float)(Bias[k] + Σ leaf values of the trees of target k) / Divisor. The sum is in double and
/// only then cast to float, as ML.NET does; Divisor is the tree count for FastForest regression (an average), else 1.
/// </summary>
internal sealed record TreeScore(IReadOnlyList<(int Target, ExportTree Tree)> Trees, double[] Bias, float Divisor) : RawScore(Bias.Length);

/// <summary>
/// A random forest's class probabilities: per class, the sum over trees of the reached leaf's vote (its class share
/// divided by the tree count), summed in double and cast to float (ONNX <c>TreeEnsembleClassifier</c> on double input).
/// </summary>
internal sealed record ForestScore(Training.RandomForestModel Forest) : RawScore(Forest.Classes);

internal enum ProbabilityLink
{
    /// <summary>Regression: the raw score is the prediction.</summary>
    None,
    /// <summary>p[k] = 1 / (1 + exp(Slope[k]·s[k] + Offset[k])): binary classifiers (K = 1).</summary>
    Platt,
    /// <summary>Platt per class, then each divided by their sum: ML.NET's one-versus-all.</summary>
    PlattNormalized,
    /// <summary>softmax over the raw scores: maximum entropy and LightGBM multiclass.</summary>
    Softmax,
    /// <summary>The raw scores are the probabilities already: the random forest's averaged votes.</summary>
    Votes,
}

internal sealed record ExportHead(RawScore Score, ProbabilityLink Link, double[] PlattSlopes, double[] PlattOffsets);

/// <summary>Everything the ONNX graph needs, read from a fitted ML.NET pipeline.</summary>
/// <param name="Scale">Standardisation scales; empty when the trainer takes the imputed values unscaled (trees).</param>
/// <param name="Offset">Standardisation offsets (the training means; empty when there is no shift).</param>
internal sealed record ExportPipeline(
    ModelSignature Signature,
    IReadOnlyList<string> NumericInputs,
    float[] ImputationMeans,
    float[] Scale,
    float[] Offset,
    IReadOnlyList<(string Name, string[] Categories)> CategoricalInputs,
    ExportHead Head);
