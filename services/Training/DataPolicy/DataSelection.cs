namespace Platform.Training.DataPolicy;

/// <summary>
/// Exactly which rows a run used, recorded with the run (lineage: dataset versions → run → model version): rows
/// [<see cref="RowFrom"/>, <see cref="GateFrom"/>) of the dataset version trained it, [<see cref="GateFrom"/>,
/// <see cref="RowTo"/>) were held out for the gate, and <see cref="Versions"/> says which versions contributed them.
/// </summary>
/// <param name="Policy">"all", "newest" or "since-drift", with the reason it applied.</param>
public sealed record DataSelection(
    string Policy,
    string DatasetName,
    int DatasetVersion,
    int RowFrom,
    int GateFrom,
    int RowTo,
    IReadOnlyList<VersionRows> Versions);

/// <summary>Rows [<paramref name="RowFrom"/>, <paramref name="RowTo"/>) of the run's dataset version came from this version.</summary>
public sealed record VersionRows(int Version, string Source, int RowFrom, int RowTo);
