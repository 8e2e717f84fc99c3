using Platform.Ml.Data;

namespace Platform.Ml.Models.Onnx;

/// <summary>
/// Coefficients (linear models) or split shares (trees) of an exported pipeline, named by feature: the numbers
/// are read from the same parameters the ONNX graph is written from, so they describe exactly the model served.
/// </summary>
internal static class FeatureWeights
{
    public const string Coefficient = "coefficient";
    public const string SplitShare = "split_share";

    public static (string Kind, IReadOnlyList<FeatureWeight> Weights) Of(ExportPipeline pipeline)
    {
        var names = pipeline.NumericInputs
            .Concat(pipeline.CategoricalInputs.SelectMany(c => c.Categories.Select(category => $"{c.Name}={category}")))
            .ToArray();
        var classes = pipeline.Signature.ClassLabels;

        switch (pipeline.Head.Score)
        {
            case LinearScore linear:
            {
                var perClass = linear.Weights.Length > 1;
                var weights = linear.Weights.SelectMany((w, k) => w.Select((value, f) =>
                    new FeatureWeight(names[f], perClass ? classes![k] : null, value)));
                return (Coefficient, weights.OrderByDescending(w => Math.Abs(w.Value)).ToArray());
            }
            case TreeScore trees:
            {
                var splits = new double[names.Length];
                foreach (var (_, tree) in trees.Trees)
                    foreach (var feature in tree.Feature) splits[feature]++;
                var total = splits.Sum();
                var weights = names.Select((name, f) => new FeatureWeight(name, null, total == 0 ? 0 : splits[f] / total));
                return (SplitShare, weights.OrderByDescending(w => w.Value).ToArray());
            }
            default:
                return ("", []);
        }
    }
}
