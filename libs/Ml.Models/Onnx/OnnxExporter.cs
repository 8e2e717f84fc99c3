using Google.Protobuf;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx.Proto;
using static Platform.Ml.Models.Onnx.OnnxGraphBuilder;
using DataType = Platform.Ml.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace Platform.Ml.Models.Onnx;

/// <summary>
/// Writes a pipeline as an ONNX model: IR version 8, default-domain opset 15 and ai.onnx.ml 3, the newest
/// versions that both ONNX Runtime 1.31 and the ONNX 1.12 checker accept (ai.onnx.ml 5 drops TreeEnsembleRegressor).
/// Inputs: one per feature, float [N,1] for numeric/boolean, string [N,1] for categorical.
/// Outputs: "prediction" ([N,1] float for regression, [N,1] string label for classifiers) and, for classifiers,
/// "probabilities" ([N,K] float in Signature.ClassLabels order).
/// </summary>
internal static class OnnxExporter
{
    public const long IrVersion = 8;
    public const long DefaultOpset = 15;
    public const long MlOpset = 3;
    public const string Prediction = "prediction";
    public const string Probabilities = "probabilities";

    public static byte[] Export(ExportPipeline pipeline)
    {
        var g = new OnnxGraphBuilder();
        DeclareInputs(g, pipeline);
        var scores = WriteRawScore(g, WriteFeatures(g, pipeline, ""), pipeline.Head.Score, "");
        if (pipeline.Signature.Task == MlTask.Regression)
        {
            g.Node("Identity", [scores], Prediction);
            g.Output(Prediction, DataType.Float, Batch, 1);
        }
        else
        {
            WriteProbabilities(g, scores, pipeline.Head, Probabilities, "");
            WriteLabel(g, pipeline.Signature.ClassLabels!);
        }

        return Model(g, pipeline.Signature);
    }

    /// <summary>
    /// A soft-voting ensemble of classifiers as one graph: the shared inputs feed each member's own featurisation
    /// and model (every internal name prefixed <c>m{i}_</c>), each member's probabilities are multiplied by its
    /// weight and summed, then ArgMax and the label mapping as for one model. The members share the signature.
    /// </summary>
    public static byte[] ExportEnsemble(IReadOnlyList<ExportPipeline> members, IReadOnlyList<double> weights)
    {
        if (members.Count == 0 || members.Count != weights.Count) throw new ArgumentException("One weight per member is needed.", nameof(weights));
        var signature = members[0].Signature;
        if (signature.Task == MlTask.Regression) throw new NotSupportedException("Only classifiers are exported as an ensemble.");
        var g = new OnnxGraphBuilder();
        DeclareInputs(g, members[0]);
        var weighted = new string[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            var p = $"m{i}_";
            var scores = WriteRawScore(g, WriteFeatures(g, members[i], p), members[i].Head.Score, p);
            WriteProbabilities(g, scores, members[i].Head, $"{p}probabilities", p);
            g.Node("Mul", [$"{p}probabilities", g.Constant($"{p}weight", [(float)weights[i]], 1)], weighted[i] = $"{p}weighted");
        }

        g.Node("Sum", weighted, Probabilities);
        WriteLabel(g, signature.ClassLabels!);
        return Model(g, signature);
    }

    private static byte[] Model(OnnxGraphBuilder g, ModelSignature signature)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Platform.Ml.Models",
            ProducerVersion = "1",
            Graph = g.Graph,
            OpsetImport =
            {
                new OperatorSetIdProto { Domain = "", Version = DefaultOpset },
                new OperatorSetIdProto { Domain = MlDomain, Version = MlOpset },
            },
            MetadataProps = { new StringStringEntryProto { Key = SignatureJson.MetadataKey, Value = SignatureJson.Serialize(signature) } },
        };
        return model.ToByteArray();
    }

    private static void DeclareInputs(OnnxGraphBuilder g, ExportPipeline pipeline)
    {
        foreach (var name in pipeline.NumericInputs) g.Input(name, DataType.Float, Batch, 1);
        foreach (var (name, _) in pipeline.CategoricalInputs) g.Input(name, DataType.String, Batch, 1);
    }

    /// <summary>Imputation, standardisation and one-hot encoding of the inputs; returns the feature tensor's name.</summary>
    private static string WriteFeatures(OnnxGraphBuilder g, ExportPipeline pipeline, string p)
    {
        var parts = new List<string>();
        if (pipeline.NumericInputs.Count > 0)
        {
            var raw = pipeline.NumericInputs.Count == 1 ? pipeline.NumericInputs[0] : $"{p}numeric_raw";
            if (pipeline.NumericInputs.Count > 1)
                g.Node("Concat", pipeline.NumericInputs.ToArray(), raw, attributes: Attribute("axis", 1));
            // Trees take the imputed values as they are (no Scaler); linear models standardise them.
            var standardized = pipeline.Scale.Length > 0;
            g.Node("Imputer", [raw], standardized ? $"{p}numeric_imputed" : $"{p}numeric", MlDomain,
                Attribute("imputed_value_floats", pipeline.ImputationMeans),
                new AttributeProto { Name = "replaced_value_float", Type = AttributeProto.Types.AttributeType.Float, F = float.NaN });
            if (standardized)
            {
                var offset = pipeline.Offset.Length > 0 ? pipeline.Offset : new float[pipeline.Scale.Length];
                g.Node("Scaler", [$"{p}numeric_imputed"], $"{p}numeric", MlDomain,
                    Attribute("offset", offset), Attribute("scale", pipeline.Scale));
            }
            parts.Add($"{p}numeric");
        }

        for (var i = 0; i < pipeline.CategoricalInputs.Count; i++)
        {
            var (name, categories) = pipeline.CategoricalInputs[i];
            // zeros=1: an unseen (or missing, sent as "") category encodes as all zeros, as in ML.NET.
            g.Node("OneHotEncoder", [name], $"{p}onehot_{i}_3d", MlDomain,
                Attribute("cats_strings", categories), Attribute("zeros", 1));
            g.Node("Flatten", [$"{p}onehot_{i}_3d"], $"{p}onehot_{i}", attributes: Attribute("axis", 1));
            parts.Add($"{p}onehot_{i}");
        }

        if (parts.Count == 1) return parts[0];
        g.Node("Concat", parts.ToArray(), $"{p}features", attributes: Attribute("axis", 1));
        return $"{p}features";
    }

    private static string WriteRawScore(OnnxGraphBuilder g, string features, RawScore score, string p)
    {
        switch (score)
        {
            case LinearScore linear:
            {
                var featureCount = linear.Weights[0].Length;
                var k = linear.Bias.Length;
                // MatMul wants W as [F, K]; ML.NET gives one weight vector per target.
                var w = new float[featureCount * k];
                for (var f = 0; f < featureCount; f++)
                    for (var t = 0; t < k; t++) w[f * k + t] = linear.Weights[t][f];
                g.Node("MatMul", [features, g.Constant($"{p}weights", w, featureCount, k)], $"{p}linear");
                g.Node("Add", [$"{p}linear", g.Constant($"{p}bias", linear.Bias, k)], $"{p}raw_score");
                return $"{p}raw_score";
            }
            case TreeScore trees:
            {
                // Double precision inside the ensemble: ML.NET sums leaf values in double and casts once.
                g.Node("Cast", [features], $"{p}features_double", attributes: Attribute("to", (long)DataType.Double));
                g.Node("TreeEnsembleRegressor", [$"{p}features_double"], $"{p}tree_sum", MlDomain, TreeAttributes(trees));
                if (trees.Divisor == 1) return $"{p}tree_sum";
                g.Node("Div", [$"{p}tree_sum", g.Constant($"{p}tree_count", [trees.Divisor])], $"{p}raw_score");
                return $"{p}raw_score";
            }
            case ForestScore forest:
            {
                // Double input makes ONNX Runtime sum the leaf votes in double, as the forest does in process.
                g.Node("Cast", [features], $"{p}features_double", attributes: Attribute("to", (long)DataType.Double));
                g.Node("TreeEnsembleClassifier", [$"{p}features_double"], [$"{p}forest_label", $"{p}forest_votes"], MlDomain, ForestAttributes(forest.Forest));
                return $"{p}forest_votes";
            }
            default:
                throw new NotSupportedException($"Unknown score kind {score.GetType().Name}.");
        }
    }

    private static AttributeProto[] TreeAttributes(TreeScore score)
    {
        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<string>();
        var values = new List<double>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetIds = new List<long>();
        var targetWeights = new List<double>();

        for (var t = 0; t < score.Trees.Count; t++)
        {
            var (target, tree) = score.Trees[t];
            var internalCount = tree.Left.Length;
            // Node ids: internal node j is j, leaf i is internalCount + i (ML.NET writes leaf i as ~i).
            long Id(int child) => child < 0 ? internalCount + ~child : child;
            for (var j = 0; j < internalCount; j++)
            {
                treeIds.Add(t); nodeIds.Add(j); featureIds.Add(tree.Feature[j]); modes.Add("BRANCH_LEQ");
                values.Add(tree.Threshold[j]); trueIds.Add(Id(tree.Left[j])); falseIds.Add(Id(tree.Right[j]));
            }

            for (var leaf = 0; leaf < tree.Leaves.Length; leaf++)
            {
                treeIds.Add(t); nodeIds.Add(internalCount + leaf); featureIds.Add(0); modes.Add("LEAF");
                values.Add(0); trueIds.Add(0); falseIds.Add(0);
                targetTreeIds.Add(t); targetNodeIds.Add(internalCount + leaf); targetIds.Add(target); targetWeights.Add(tree.Leaves[leaf]);
            }
        }

        return
        [
            Attribute("n_targets", score.Bias.Length),
            Attribute("aggregate_function", "SUM"),
            Attribute("post_transform", "NONE"),
            Attribute("base_values_as_tensor", score.Bias),
            Attribute("nodes_treeids", treeIds),
            Attribute("nodes_nodeids", nodeIds),
            Attribute("nodes_featureids", featureIds),
            Attribute("nodes_modes", modes),
            Attribute("nodes_values_as_tensor", values.ToArray()),
            Attribute("nodes_truenodeids", trueIds),
            Attribute("nodes_falsenodeids", falseIds),
            Attribute("target_treeids", targetTreeIds),
            Attribute("target_nodeids", targetNodeIds),
            Attribute("target_ids", targetIds),
            Attribute("target_weights_as_tensor", targetWeights.ToArray()),
        ];
    }

    /// <summary>
    /// TreeEnsembleClassifier attributes of a random forest: class indexes as int64 labels (the graph maps them to
    /// text itself), one weight per leaf and class with a non-zero vote (a pure leaf has one), post_transform NONE so
    /// the output is the plain sum of votes.
    /// </summary>
    private static AttributeProto[] ForestAttributes(Training.RandomForestModel forest)
    {
        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<string>();
        var values = new List<double>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var classTreeIds = new List<long>();
        var classNodeIds = new List<long>();
        var classIds = new List<long>();
        var classWeights = new List<double>();
        var k = forest.Classes;

        for (var t = 0; t < forest.Trees.Count; t++)
        {
            var tree = forest.Trees[t];
            var internalCount = tree.Left.Length;
            long Id(int child) => child < 0 ? internalCount + ~child : child;
            for (var j = 0; j < internalCount; j++)
            {
                treeIds.Add(t); nodeIds.Add(j); featureIds.Add(tree.Feature[j]); modes.Add("BRANCH_LEQ");
                values.Add(tree.Threshold[j]); trueIds.Add(Id(tree.Left[j])); falseIds.Add(Id(tree.Right[j]));
            }

            var leaves = tree.LeafVotes.Length / k;
            for (var leaf = 0; leaf < leaves; leaf++)
            {
                treeIds.Add(t); nodeIds.Add(internalCount + leaf); featureIds.Add(0); modes.Add("LEAF");
                values.Add(0); trueIds.Add(0); falseIds.Add(0);
                for (var c = 0; c < k; c++)
                {
                    var vote = tree.LeafVotes[leaf * k + c];
                    if (vote == 0) continue;
                    classTreeIds.Add(t); classNodeIds.Add(internalCount + leaf); classIds.Add(c); classWeights.Add(vote);
                }
            }
        }

        return
        [
            Attribute("classlabels_int64s", Enumerable.Range(0, k).Select(c => (long)c)),
            Attribute("post_transform", "NONE"),
            Attribute("nodes_treeids", treeIds),
            Attribute("nodes_nodeids", nodeIds),
            Attribute("nodes_featureids", featureIds),
            Attribute("nodes_modes", modes),
            Attribute("nodes_values_as_tensor", values.ToArray()),
            Attribute("nodes_truenodeids", trueIds),
            Attribute("nodes_falsenodeids", falseIds),
            Attribute("class_treeids", classTreeIds),
            Attribute("class_nodeids", classNodeIds),
            Attribute("class_ids", classIds),
            Attribute("class_weights_as_tensor", classWeights.ToArray()),
        ];
    }

    /// <summary>The head's probabilities ([N,K], class order) from the raw scores, written as <paramref name="output"/>.</summary>
    private static void WriteProbabilities(OnnxGraphBuilder g, string scores, ExportHead head, string output, string p)
    {
        var k = head.Score.Targets;
        switch (head.Link)
        {
            case ProbabilityLink.Platt or ProbabilityLink.PlattNormalized:
            {
                // 1 / (1 + exp(a·s + b)) = sigmoid(−a·s − b)
                g.Node("Mul", [scores, g.Constant($"{p}neg_slope", head.PlattSlopes.Select(a => (float)-a).ToArray(), k)], $"{p}platt_linear");
                g.Node("Add", [$"{p}platt_linear", g.Constant($"{p}neg_offset", head.PlattOffsets.Select(b => (float)-b).ToArray(), k)], $"{p}platt_logit");
                g.Node("Sigmoid", [$"{p}platt_logit"], $"{p}platt_probability");
                if (head.Link == ProbabilityLink.Platt)
                {
                    g.Node("Sub", [g.Constant($"{p}one", [1f], 1), $"{p}platt_probability"], $"{p}negative_probability");
                    g.Node("Concat", [$"{p}negative_probability", $"{p}platt_probability"], output, attributes: Attribute("axis", 1));
                }
                else
                {
                    g.Node("ReduceSum", [$"{p}platt_probability", g.Constant($"{p}class_axis", [1L], 1)], $"{p}probability_sum",
                        attributes: Attribute("keepdims", 1));
                    g.Node("Div", [$"{p}platt_probability", $"{p}probability_sum"], output);
                }

                break;
            }
            case ProbabilityLink.Softmax:
                g.Node("Softmax", [scores], output, attributes: Attribute("axis", 1));
                break;
            case ProbabilityLink.Votes:
                g.Node("Identity", [scores], output);
                break;
            default:
                throw new NotSupportedException($"A classifier needs probabilities; link {head.Link} gives none.");
        }
    }

    /// <summary>The label is the most probable class (ArgMax keeps the first on a tie), mapped index → text.</summary>
    private static void WriteLabel(OnnxGraphBuilder g, IReadOnlyList<string> classes)
    {
        g.Node("ArgMax", [Probabilities], "label_index", attributes: [Attribute("axis", 1), Attribute("keepdims", 1)]);
        g.Node("LabelEncoder", ["label_index"], Prediction, MlDomain,
            Attribute("keys_int64s", Enumerable.Range(0, classes.Count).Select(i => (long)i)),
            Attribute("values_strings", classes),
            Attribute("default_string", ""));
        g.Output(Prediction, DataType.String, Batch, 1);
        g.Output(Probabilities, DataType.Float, Batch, classes.Count);
    }

    /// <summary>ONNX input element type for a feature kind.</summary>
    public static DataType InputType(ColumnKind kind) => kind == ColumnKind.Categorical ? DataType.String : DataType.Float;
}
