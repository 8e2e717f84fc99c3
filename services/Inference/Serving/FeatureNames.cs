using System.Text;
using Platform.Ml;

namespace Platform.Inference.Serving;

/// <summary>
/// A signature's input names as UTF-8 bytes, so that a reader matches JSON property names without allocating a
/// string per field. Requests usually list the fields in signature order, so the lookup tries the next expected one
/// first and falls back to a scan.
/// </summary>
public sealed class FeatureNames
{
    private readonly byte[][] _utf8;

    private FeatureNames(ModelSignature signature)
    {
        Signature = signature;
        _utf8 = signature.Inputs.Select(i => Encoding.UTF8.GetBytes(i.Name)).ToArray();
    }

    public ModelSignature Signature { get; }

    public int Count => _utf8.Length;

    public static FeatureNames Of(ModelSignature signature) => new(signature);

    /// <summary>The index of the feature the reader's current property name is, or -1.</summary>
    public int IndexOf(ref System.Text.Json.Utf8JsonReader reader, int expected)
    {
        if ((uint)expected < (uint)_utf8.Length && reader.ValueTextEquals(_utf8[expected])) return expected;
        for (var i = 0; i < _utf8.Length; i++)
            if (i != expected && reader.ValueTextEquals(_utf8[i])) return i;
        return -1;
    }

    /// <summary>The index of a feature by name, or -1 (for names already decoded).</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Signature.Inputs.Count; i++)
            if (string.Equals(Signature.Inputs[i].Name, name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
