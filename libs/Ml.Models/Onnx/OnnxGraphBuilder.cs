using Google.Protobuf;
using Platform.Ml.Models.Onnx.Proto;
using DataType = Platform.Ml.Models.Onnx.Proto.TensorProto.Types.DataType;
using AttributeType = Platform.Ml.Models.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Platform.Ml.Models.Onnx;

/// <summary>Small helpers for writing an ONNX graph: typed inputs/outputs, constants, nodes and attributes.</summary>
internal sealed class OnnxGraphBuilder
{
    public const string MlDomain = "ai.onnx.ml";
    /// <summary>The batch dimension's symbolic name.</summary>
    public const string Batch = "N";

    public GraphProto Graph { get; } = new() { Name = "platform_pipeline" };

    public void Input(string name, DataType type, params object[] dims) => Graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, DataType type, params object[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    public string Constant(string name, float[] values, params long[] dims) =>
        AddInitializer(new TensorProto { Name = name, DataType = (int)DataType.Float, Dims = { dims }, FloatData = { values } });

    public string Constant(string name, long[] values, params long[] dims) =>
        AddInitializer(new TensorProto { Name = name, DataType = (int)DataType.Int64, Dims = { dims }, Int64Data = { values } });

    public void Node(string opType, string[] inputs, string output, string domain = "", params AttributeProto[] attributes) =>
        Node(opType, inputs, [output], domain, attributes);

    public void Node(string opType, string[] inputs, string[] outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{Graph.Node.Count}", Domain = domain, Output = { outputs } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };
    public static AttributeProto Attribute(string name, string value) => new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    public static AttributeProto Attribute(string name, IEnumerable<long> values) => new() { Name = name, Type = AttributeType.Ints, Ints = { values } };
    public static AttributeProto Attribute(string name, IEnumerable<float> values) => new() { Name = name, Type = AttributeType.Floats, Floats = { values } };

    public static AttributeProto Attribute(string name, IEnumerable<string> values) =>
        new() { Name = name, Type = AttributeType.Strings, Strings = { values.Select(ByteString.CopyFromUtf8) } };

    public static AttributeProto Attribute(string name, double[] values) => new()
    {
        Name = name,
        Type = AttributeType.Tensor,
        T = new TensorProto { DataType = (int)DataType.Double, Dims = { values.Length }, DoubleData = { values } },
    };

    private string AddInitializer(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"Dimension {dim} must be a string or an int."),
            });

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
