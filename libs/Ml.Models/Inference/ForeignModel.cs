using Microsoft.ML.OnnxRuntime;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx.Proto;

namespace Platform.Ml.Models;

/// <summary>One ONNX input and the table columns that fill it: one column for [N,1], F columns for a wide [N,F] input.</summary>
internal sealed record InputBinding(string Name, Type ElementType, IReadOnlyList<string> Columns);

/// <summary>How to read a model's outputs.</summary>
/// <param name="ProbabilityMaps">The probabilities come as a sequence of label → probability maps (scikit-learn's ZipMap).</param>
internal sealed record OutputBinding(string Prediction, string? Probabilities, bool ProbabilityMaps);

/// <summary>
/// Describes a model that was not exported here (no <c>platform.signature</c> metadata), such as one
/// converted from scikit-learn, from its graph:
/// inputs of shape [N,1] are one feature each, named as the input; a wide [N,F] input (scikit-learn's
/// default <c>float_input</c>) is F features named <c>&lt;input&gt;_0</c> … <c>&lt;input&gt;_{F-1}</c>;
/// string inputs are categorical, numeric ones numeric. A string or int64 tensor output makes it a
/// classifier (that output is the label); its probabilities are the first other float tensor output or a
/// ZipMap sequence of maps; the class labels come from the graph's <c>classlabels_strings</c> /
/// <c>classlabels_int64s</c> attribute (ZipMap, LinearClassifier, TreeEnsembleClassifier, SVMClassifier).
/// Otherwise the first float or double tensor output is a regression value. The target name is unknown ("").
/// </summary>
internal static class ForeignModel
{
    public static (ModelSignature Signature, InputBinding[] Inputs, OutputBinding Outputs) Describe(InferenceSession session, byte[] onnxModel)
    {
        var inputs = session.InputMetadata.Select(pair => Bind(pair.Key, pair.Value)).ToArray();
        var features = inputs.SelectMany(i => i.Columns.Select(c =>
            // Nothing says a foreign graph replaces missing values (a NaN would come out as a NaN prediction): null is refused.
            new FeatureSpec(c, i.ElementType == typeof(string) ? ColumnKind.Categorical : ColumnKind.Numeric, AllowsMissing: false))).ToArray();

        var outputs = session.OutputMetadata.ToArray();
        var label = outputs.FirstOrDefault(o => o.Value.IsTensor && (o.Value.ElementType == typeof(string) || o.Value.ElementType == typeof(long)));
        if (label.Key is not null)
        {
            var classes = ClassLabels(onnxModel);
            var tensor = outputs.FirstOrDefault(o => o.Key != label.Key && o.Value.IsTensor && o.Value.ElementType == typeof(float));
            var maps = outputs.FirstOrDefault(o => o.Key != label.Key && o.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_SEQUENCE);
            var task = classes?.Length == 2 ? MlTask.Binary : MlTask.Multiclass;
            return (new ModelSignature(task, "", features, classes), inputs,
                new OutputBinding(label.Key, tensor.Key ?? maps.Key, tensor.Key is null && maps.Key is not null));
        }

        var value = outputs.FirstOrDefault(o => o.Value.IsTensor && (o.Value.ElementType == typeof(float) || o.Value.ElementType == typeof(double)));
        if (value.Key is null) throw new NotSupportedException("The model has no output this scorer understands (a label, or a float value).");
        return (new ModelSignature(MlTask.Regression, "", features, null), inputs, new OutputBinding(value.Key, null, false));
    }

    private static InputBinding Bind(string name, NodeMetadata meta)
    {
        if (!meta.IsTensor || meta.Dimensions.Length != 2)
            throw new NotSupportedException($"Input '{name}' is not a two-dimensional [N,F] tensor.");
        var width = meta.Dimensions[1];
        if (width is -1 or 1) return new InputBinding(name, meta.ElementType, [name]);
        if (width < 1) throw new NotSupportedException($"Input '{name}' has width {width}.");
        return new InputBinding(name, meta.ElementType, Enumerable.Range(0, width).Select(j => $"{name}_{j}").ToArray());
    }

    private static string[]? ClassLabels(byte[] onnxModel)
    {
        var graph = ModelProto.Parser.ParseFrom(onnxModel).Graph;
        foreach (var attribute in graph.Node.SelectMany(n => n.Attribute))
        {
            if (attribute.Name == "classlabels_strings" && attribute.Strings.Count > 0)
                return attribute.Strings.Select(s => s.ToStringUtf8()).ToArray();
            if (attribute.Name == "classlabels_int64s" && attribute.Ints.Count > 0)
                return attribute.Ints.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }

        return null;
    }
}
