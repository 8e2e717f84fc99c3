using Microsoft.ML.Data;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;

namespace Platform.Ml.Models.Training;

/// <summary>
/// Scores several models from one fit: ridge at every α of its path (<see cref="Ridge"/>), or a boosted ensemble
/// after each of several round counts. Boosting adds one tree per round
/// (one per class for multiclass) and never revisits the earlier ones, so the first k trees of a model boosted for
/// n ≥ k rounds are the model boosted for k rounds: cross-validating every round count costs one fit per fold, which
/// is how the search chooses the number of rounds (early stopping judged on the validation folds). The trees are read
/// with the exporter's reader and walked here; the head (Platt, softmax) is the fitted model's own, so the last
/// stage reproduces ML.NET's scores.
/// </summary>
internal static class StagedScores
{
    public static IReadOnlyList<ScoreResult> Score(FittedPipeline fitted, Table rows, IReadOnlyList<int> stages)
    {
        // Ridge: the stages are indexes of the α path, every α solved in the same fit.
        if (fitted.Ridge is not null) return fitted.ScoreRidge(rows, stages);

        var pipeline = PipelineReader.Read(fitted, rows, FeatureLayout.Label);
        if (pipeline.Head.Score is not TreeScore { Divisor: 1 } trees)
            throw new NotSupportedException($"{fitted.Candidate.Trainer} is not a boosted ensemble; only those are scored in stages.");

        var features = fitted.Model.Transform(new TableDataView(rows, fitted.Layout, label: null))
            .GetColumn<VBuffer<float>>(FeatureLayout.Features)
            .Select(v => v.DenseValues().ToArray())
            .ToArray();
        var targets = trees.Bias.Length;
        var perTarget = Enumerable.Range(0, targets).Select(k => trees.Trees.Where(t => t.Target == k).Select(t => t.Tree).ToArray()).ToArray();

        // Running sums per row and target, advanced from one stage to the next.
        var sums = features.Select(_ => (double[])trees.Bias.Clone()).ToArray();
        var results = new List<ScoreResult>(stages.Count);
        var done = 0;
        foreach (var stage in stages)
        {
            for (var k = 0; k < targets; k++)
                for (var t = done; t < Math.Min(stage, perTarget[k].Length); t++)
                    for (var row = 0; row < features.Length; row++)
                        sums[row][k] += Leaf(perTarget[k][t], features[row]);
            done = stage;
            results.Add(Result(fitted, pipeline.Head, sums));
        }

        return results;
    }

    private static double Leaf(ExportTree tree, float[] x)
    {
        if (tree.Left.Length == 0) return tree.Leaves[0];
        var node = 0;
        while (node >= 0) node = x[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node];
        return tree.Leaves[~node];
    }

    private static ScoreResult Result(FittedPipeline fitted, ExportHead head, double[][] sums)
    {
        if (head.Link == ProbabilityLink.None) return new ScoreResult(sums.Select(s => (double)(float)s[0]).ToArray(), null, null);

        var probabilities = sums.Select(s => head.Link switch
        {
            ProbabilityLink.Platt => Platt(s[0], head.PlattSlopes[0], head.PlattOffsets[0]),
            ProbabilityLink.Softmax => Softmax(s),
            _ => throw new NotSupportedException($"Staged scores do not support {head.Link}."),
        }).ToArray();
        return new ScoreResult(null, probabilities.Select(p => fitted.Classes![FittedPipeline.ArgMax(p)]).ToArray(), probabilities);
    }

    private static float[] Platt(double score, double slope, double offset)
    {
        var p = (float)(1 / (1 + Math.Exp(slope * (float)score + offset)));
        return [1 - p, p];
    }

    private static float[] Softmax(double[] scores)
    {
        var max = scores.Max();
        var exp = scores.Select(s => Math.Exp((float)s - max)).ToArray();
        var total = exp.Sum();
        return exp.Select(e => (float)(e / total)).ToArray();
    }
}
