using Platform.Ml;
using Platform.Ml.Data;

namespace Platform.Cli.Infrastructure;

/// <summary>Reads a CSV file for a model: every input column present, categorical inputs read as text, numeric inputs holding numbers.</summary>
internal static class ScoringInput
{
    /// <param name="target">For evaluation, the target column and how it was chosen (e.g. "the --target").</param>
    public static Table Read(string path, ModelSignature signature, (string Name, string Why)? target = null)
    {
        var table = Inputs.ReadTable(path, "--data");
        Inputs.RequireColumns(table, signature.Inputs.Select(i => i.Name), path, "needed as input by the model");
        if (target is { } t) Inputs.RequireColumns(table, [t.Name], path, t.Why);

        // A categorical input whose values happen to look like numbers (codes) must still reach the model as text.
        var categorical = signature.Inputs.Where(i => i.Kind == ColumnKind.Categorical).Select(i => i.Name).ToArray();
        if (categorical.Any(name => table[name].Kind != ColumnKind.Categorical)) table = Inputs.ReadTable(path, "--data", categorical);

        foreach (var input in signature.Inputs.Where(i => i.Kind != ColumnKind.Categorical))
            Inputs.RequireNumeric(table[input.Name], path, "the model takes it as a number");
        return table;
    }
}
