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

        var rows = new Table([TableColumn.Numeric("x", [1.5, -2]), TableColumn.Categorical("city", ["Oslo", null])]);
        Assert.Equal([3.0, -4.0], scorer.Score(rows).Values!);
    }

    private static ValueInfoProto TensorInput(string name, TensorProto.Types.DataType type) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" }, new TensorShapeProto.Types.Dimension { DimValue = 1 } } },
            },
        },
    };
}
