using Google.Protobuf;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;
using Platform.Ml.Models.Onnx.Proto;

namespace Platform.Ml.Models.Tests;

public sealed class OnnxScorerTests
{
    [Fact]
    public void Signature_travels_in_the_model_metadata()
    {
        var (model, onnx, _) = ModelFactory.FitAndExport("mixed-multiclass", MlTask.Multiclass, "lbfgs-maxent");
        var proto = ModelProto.Parser.ParseFrom(onnx);
        Assert.Equal(8, proto.IrVersion);
        Assert.Contains(proto.OpsetImport, o => o.Domain == "" && o.Version == 15);
        Assert.Contains(proto.OpsetImport, o => o.Domain == "ai.onnx.ml" && o.Version == 3);
        Assert.Equal(["x1", "x2", "flag", "colour"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["prediction", "probabilities"], proto.Graph.Output.Select(o => o.Name));

        using var scorer = OnnxScorer.Load(onnx);
        Assert.Equal(MlTask.Multiclass, scorer.Signature.Task);
        Assert.Equal("y", scorer.Signature.Target);
        Assert.Equal(["high", "low", "mid"], scorer.Signature.ClassLabels);
        Assert.Equal(model.Classes, scorer.Signature.ClassLabels);
        Assert.Equal(ColumnKind.Boolean, scorer.Signature.Inputs.Single(i => i.Name == "flag").Kind);
    }

    [Fact]
    public void Rows_missing_an_input_are_rejected_with_the_names()
    {
        var (_, onnx, holdout) = ModelFactory.FitAndExport("diabetes", MlTask.Regression, "sdca");
        using var scorer = OnnxScorer.Load(onnx);
        var error = Assert.Throws<ArgumentException>(() => scorer.Score(holdout.WithoutColumn("bmi").WithoutColumn("bp")));
        Assert.Contains("bmi, bp", error.Message);
    }

    [Fact]
    public void Unseen_and_missing_categories_score_like_MlNet()
    {
        var (model, onnx, holdout) = ModelFactory.FitAndExport("mixed-regression", MlTask.Regression, "sdca");
        var colours = holdout["colour"].Texts!.Select((c, i) => i % 3 == 0 ? "purple" : i % 3 == 1 ? null : c).ToArray();
        var rows = new Table(holdout.Columns.Select(c => c.Name == "colour" ? TableColumn.Categorical("colour", colours) : c).ToArray());

        using var scorer = OnnxScorer.Load(onnx);
        var onnxValues = scorer.Score(rows).Values!;
        var mlNetValues = model.Score(rows).Values!;
        for (var i = 0; i < rows.RowCount; i++)
            Assert.True(Math.Abs(onnxValues[i] - mlNetValues[i]) <= 1e-4 * Math.Max(1, Math.Abs(mlNetValues[i])), $"row {i}");
    }

    [Fact]
    public void Concurrent_scoring_gives_the_same_answers()
    {
        var (_, onnx, holdout) = ModelFactory.FitAndExport("iris", MlTask.Multiclass, "ova-fasttree");
        using var scorer = OnnxScorer.Load(onnx);
        var expected = scorer.Score(holdout);

        var results = new ScoreResult[64];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = scorer.Score(holdout));

        Assert.All(results, r =>
        {
            Assert.Equal(expected.Labels, r.Labels);
            Assert.Equal(expected.Probabilities!.SelectMany(p => p), r.Probabilities!.SelectMany(p => p));
        });
    }

    [Fact]
    public void A_foreign_model_without_platform_metadata_gets_a_signature_from_its_graph()
    {
        // y = 2·x + length-independent constant: a hand-written graph like one exported by another tool.
        var graph = new GraphProto { Name = "foreign" };
        graph.Input.Add(TensorInput("x", TensorProto.Types.DataType.Float));
        graph.Input.Add(TensorInput("city", TensorProto.Types.DataType.String));
        graph.Output.Add(TensorInput("variable", TensorProto.Types.DataType.Float));
        graph.Initializer.Add(new TensorProto { Name = "two", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, FloatData = { 2f } });
        graph.Node.Add(new NodeProto { OpType = "Mul", Input = { "x", "two" }, Output = { "variable" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 15 } } };

        using var scorer = OnnxScorer.Load(model.ToByteArray());
        Assert.Equal(MlTask.Regression, scorer.Signature.Task);
        Assert.Equal([("x", ColumnKind.Numeric), ("city", ColumnKind.Categorical)], scorer.Signature.Inputs.Select(i => (i.Name, i.Kind)));
        Assert.All(scorer.Signature.Inputs, i => Assert.False(i.AllowsMissing));

        var rows = new Table([TableColumn.Numeric("x", [1.5, -2]), TableColumn.Categorical("city", ["Oslo", null])]);
        Assert.Equal([3.0, -4.0], scorer.Score(rows).Values!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_foreign_scikit_learn_style_classifier_is_read_from_its_graph(bool zipMap)
    {
        // As skl2onnx writes a LogisticRegression: one wide input "float_input" [N,2], a LinearClassifier with
        // class labels and softmax, and either a ZipMap (a map per row) or the plain probability tensor.
        float[] coefficients = [1, -1, 0, 0.5f, -1, 1];
        float[] intercepts = [0.1f, 0, -0.1f];
        var graph = new GraphProto { Name = "sklearn_like" };
        graph.Input.Add(TensorInput("float_input", TensorProto.Types.DataType.Float, 2));
        graph.Node.Add(new NodeProto
        {
            OpType = "LinearClassifier", Domain = "ai.onnx.ml", Input = { "float_input" }, Output = { "label", "probability_tensor" },
            Attribute =
            {
                OnnxAttribute.Strings("classlabels_strings", "setosa", "versicolor", "virginica"),
                OnnxAttribute.Floats("coefficients", coefficients),
                OnnxAttribute.Floats("intercepts", intercepts),
                OnnxAttribute.Int("multi_class", 1),
                OnnxAttribute.String("post_transform", "SOFTMAX"),
            },
        });
        graph.Output.Add(TensorInput("label", TensorProto.Types.DataType.String, rank: 1));
        if (zipMap)
        {
            graph.Node.Add(new NodeProto
            {
                OpType = "ZipMap", Domain = "ai.onnx.ml", Input = { "probability_tensor" }, Output = { "output_probability" },
                Attribute = { OnnxAttribute.Strings("classlabels_strings", "setosa", "versicolor", "virginica") },
            });
            graph.Output.Add(new ValueInfoProto
            {
                Name = "output_probability",
                Type = new TypeProto
                {
                    SequenceType = new TypeProto.Types.Sequence
                    {
                        ElemType = new TypeProto
                        {
                            MapType = new TypeProto.Types.Map
                            {
                                KeyType = (int)TensorProto.Types.DataType.String,
                                ValueType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
                            },
                        },
                    },
                },
            });
        }
        else
        {
            graph.Output.Add(TensorInput("probability_tensor", TensorProto.Types.DataType.Float, 3));
        }

        var model = new ModelProto
        {
            IrVersion = 8, Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 15 }, new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 1 } },
        };

        using var scorer = OnnxScorer.Load(model.ToByteArray());
        Assert.Equal(MlTask.Multiclass, scorer.Signature.Task);
        Assert.Equal(["setosa", "versicolor", "virginica"], scorer.Signature.ClassLabels);
        Assert.Equal(["float_input_0", "float_input_1"], scorer.Signature.Inputs.Select(i => i.Name));

        var rows = new Table([TableColumn.Numeric("float_input_0", [2, -1]), TableColumn.Numeric("float_input_1", [0.5, 3])]);
        var scores = scorer.Score(rows);
        for (var row = 0; row < 2; row++)
        {
            double x0 = rows["float_input_0"].Numbers![row], x1 = rows["float_input_1"].Numbers![row];
            var logits = Enumerable.Range(0, 3).Select(k => coefficients[2 * k] * x0 + coefficients[2 * k + 1] * x1 + intercepts[k]).ToArray();
            var expected = logits.Select(z => Math.Exp(z) / logits.Sum(Math.Exp)).ToArray();
            for (var k = 0; k < 3; k++) Assert.Equal(expected[k], scores.Probabilities![row][k], 5);
            Assert.Equal(scorer.Signature.ClassLabels![Array.IndexOf(expected, expected.Max())], scores.Labels![row]);
        }
    }

    private static ValueInfoProto TensorInput(string name, TensorProto.Types.DataType type, int width = 1, int rank = 2) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = rank == 1
                    ? new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" } } }
                    : new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" }, new TensorShapeProto.Types.Dimension { DimValue = width } } },
            },
        },
    };
}

/// <summary>Attribute shorthands for hand-written test graphs.</summary>
internal static class OnnxAttribute
{
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    public static AttributeProto String(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    public static AttributeProto Floats(string name, params float[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Floats, Floats = { values } };

    public static AttributeProto Strings(string name, params string[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Strings, Strings = { values.Select(ByteString.CopyFromUtf8) } };
}
