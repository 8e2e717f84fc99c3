using Platform.Contracts;
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
                return (SplitShare, SplitShares(names, trees.Trees.SelectMany(t => t.Tree.Feature)));
            }
            case ForestScore forest:
                return (SplitShare, SplitShares(names, forest.Forest.Trees.SelectMany(t => t.Feature)));
            default:
                return ("", []);
        }
    }

    private static FeatureWeight[] SplitShares(string[] names, IEnumerable<int> splitFeatures)
    {
        var splits = new double[names.Length];
        foreach (var feature in splitFeatures) splits[feature]++;
        var total = splits.Sum();
        var weights = names.Select((name, f) => new FeatureWeight(name, null, total == 0 ? 0 : splits[f] / total));
        return weights.OrderByDescending(w => w.Value).ToArray();
    }
}
