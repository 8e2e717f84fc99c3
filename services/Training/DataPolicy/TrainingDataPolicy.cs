using Platform.Contracts;

namespace Platform.Training.DataPolicy;

/// <summary>The policy as a pure function: which rows of a dataset version a run trains on and which it holds out for the gate.</summary>
public static class TrainingDataPolicy
{
    /// <param name="rowCount">Rows in the dataset version the run reads.</param>
    /// <param name="versions">The dataset's versions Training knows of (for the lineage of the selected rows).</param>
    /// <param name="sinceDriftRow">For a drift retrain, the first row newer than the drift; null otherwise.</param>
    /// <param name="holdOutGate">Whether there is a champion to compare with (otherwise every selected row trains).</param>
    public static DataSelection Select(int rowCount, string datasetName, int datasetVersion, IReadOnlyList<DatasetVersionRecord> versions,
        DataPolicyOptions options, long? sinceDriftRow, bool holdOutGate)
    {
        int from;
        string policy;
        if (sinceDriftRow is { } since && since >= 0 && since < rowCount)
        {
            from = (int)since;
            policy = $"since-drift: the {rowCount - from} rows newer than the drift";
        }
        else if (options.Mode == DataPolicyMode.All)
        {
            from = 0;
            policy = "all rows";
        }
        else
        {
            from = Math.Max(0, rowCount - options.MaxRows);
            policy = $"newest {options.MaxRows} rows";
        }

        if (rowCount - from > options.MaxRows)
        {
            from = rowCount - options.MaxRows;
            policy += $", capped at the newest {options.MaxRows}";
        }

        var selected = rowCount - from;
        var gate = holdOutGate ? Math.Min((int)Math.Round(selected * options.GateFraction), options.MaxGateRows) : 0;
        if (gate < options.MinGateRows || selected - gate < options.MinTrainRows) gate = 0;
        return new DataSelection(policy, datasetName, datasetVersion, from, rowCount - gate, rowCount, Contributions(versions, datasetVersion, from, rowCount));
    }

    /// <summary>Which versions contributed rows [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="version"/>, oldest first, following its appends back.</summary>
    public static IReadOnlyList<VersionRows> Contributions(IReadOnlyList<DatasetVersionRecord> versions, int version, int from, int to)
    {
        var byVersion = versions.ToDictionary(v => v.Version);
        var result = new List<VersionRows>();
        for (int? current = version; current is { } v && byVersion.TryGetValue(v, out var record);)
        {
            var start = record.AppendedTo is { } parent && byVersion.TryGetValue(parent, out var previous) ? (int)previous.RowCount : 0;
            var low = Math.Max(start, from);
            var high = Math.Min((int)record.RowCount, to);
            if (low < high) result.Add(new VersionRows(v, record.Source, low, high));
            if (start <= from) break;
            current = record.AppendedTo;
        }

        result.Reverse();
        return result;
    }

    /// <summary>Whether <paramref name="version"/> extends <paramref name="ancestor"/> by appends (so its first rows are the ancestor's).</summary>
    public static bool Extends(IReadOnlyList<DatasetVersionRecord> versions, int version, int ancestor)
    {
        var byVersion = versions.ToDictionary(v => v.Version);
        for (int? current = version; current is { } v; current = byVersion.TryGetValue(v, out var record) ? record.AppendedTo : null)
            if (v == ancestor) return true;
        return false;
    }
}
