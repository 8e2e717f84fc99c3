using Platform.Contracts;
using Platform.Training.DataPolicy;

namespace Platform.Training.Tests;

public sealed class DataPolicyTests
{
    private static readonly DatasetVersionRecord[] Versions =
    [
        Version(1, 400, DatasetSources.Upload, null),
        Version(2, 700, DatasetSources.Feedback, 1),
        Version(3, 1000, DatasetSources.Feedback, 2),
        Version(4, 1600, DatasetSources.Feedback, 3),
    ];

    private static DatasetVersionRecord Version(int version, long rows, string source, int? appendedTo) => new()
    {
        DatasetName = "world", Version = version, ModelName = "world", RowCount = rows, Source = source, AppendedTo = appendedTo,
    };

    [Fact]
    public void A_first_training_uses_every_row_and_holds_none_out()
    {
        var selection = TrainingDataPolicy.Select(400, "world", 1, Versions, new DataPolicyOptions(), sinceDriftRow: null, holdOutGate: false);

        Assert.Equal((0, 400, 400), (selection.RowFrom, selection.GateFrom, selection.RowTo));
        Assert.Equal([new VersionRows(1, DatasetSources.Upload, 0, 400)], selection.Versions);
    }

    [Fact]
    public void A_drift_retrain_trains_only_on_rows_newer_than_the_drift_and_holds_the_newest_out_for_the_gate()
    {
        var selection = TrainingDataPolicy.Select(1600, "world", 4, Versions, new DataPolicyOptions(), sinceDriftRow: 700, holdOutGate: true);

        Assert.StartsWith("since-drift", selection.Policy);
        Assert.Equal(700, selection.RowFrom);
        Assert.Equal(1600 - 180, selection.GateFrom); // 20% of the 900 selected rows
        Assert.Equal(1600, selection.RowTo);
        Assert.Equal([new VersionRows(3, DatasetSources.Feedback, 700, 1000), new VersionRows(4, DatasetSources.Feedback, 1000, 1600)], selection.Versions);
    }

    [Fact]
    public void Newest_keeps_a_sliding_window_of_rows_across_appended_versions()
    {
        var selection = TrainingDataPolicy.Select(1600, "world", 4, Versions, new DataPolicyOptions { MaxRows = 1000 }, null, holdOutGate: true);

        Assert.Equal(600, selection.RowFrom);
        Assert.Equal(1400, selection.GateFrom);
        Assert.Equal([new VersionRows(2, DatasetSources.Feedback, 600, 700), new VersionRows(3, DatasetSources.Feedback, 700, 1000),
            new VersionRows(4, DatasetSources.Feedback, 1000, 1600)], selection.Versions);
    }

    [Fact]
    public void All_uses_every_row_and_a_gate_too_small_to_trust_is_not_held_out()
    {
        var all = TrainingDataPolicy.Select(1600, "world", 4, Versions, new DataPolicyOptions { Mode = DataPolicyMode.All, MaxRows = 10_000 }, null, true);
        var tiny = TrainingDataPolicy.Select(200, "world", 1, Versions, new DataPolicyOptions(), null, holdOutGate: true);

        Assert.Equal(0, all.RowFrom);
        Assert.Equal(1600 - 320, all.GateFrom);
        Assert.Equal(200, tiny.GateFrom); // 40 gate rows < 50
    }

    [Fact]
    public void A_version_extends_its_append_ancestors_only()
    {
        DatasetVersionRecord[] versions = [.. Versions, Version(5, 300, DatasetSources.Upload, null)];

        Assert.True(TrainingDataPolicy.Extends(versions, 4, 1));
        Assert.True(TrainingDataPolicy.Extends(versions, 4, 4));
        Assert.False(TrainingDataPolicy.Extends(versions, 5, 4));
        Assert.False(TrainingDataPolicy.Extends(versions, 2, 3));
    }
}
