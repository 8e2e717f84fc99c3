using Platform.Ml.Data;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models.Tests;

public sealed class TargetLabelsTests
{
    [Fact]
    public void Numeric_classes_sort_by_value_and_print_in_round_trip_form()
    {
        var column = TableColumn.Numeric("y", [10, 2, 2.5, double.NaN, 2]);
        Assert.Equal(["2", "2.5", "10"], TargetLabels.Classes(column, MlTask.Multiclass));
        Assert.Equal([2, 0, 1, -1, 0], TargetLabels.Indexes(column, ["2", "2.5", "10"]));
    }

    [Fact]
    public void Binary_positive_class_is_the_second_one()
    {
        Assert.Equal(["false", "true"], TargetLabels.Classes(TableColumn.Boolean("y", [1, 0, 1]), MlTask.Binary));
        Assert.Equal(["0", "1"], TargetLabels.Classes(TableColumn.Numeric("y", [1, 0]), MlTask.Binary));
        Assert.Equal(["False", "True"], TargetLabels.Classes(TableColumn.Categorical("y", ["True", "False", null]), MlTask.Binary));
        Assert.Equal(["benign", "malignant"], TargetLabels.Classes(TableColumn.Categorical("y", ["malignant", "benign"]), MlTask.Binary));
    }

    [Fact]
    public void A_binary_target_needs_exactly_two_classes()
    {
        Assert.Throws<ArgumentException>(() => TargetLabels.Classes(TableColumn.Categorical("y", ["a", "b", "c"]), MlTask.Binary));
        Assert.Throws<ArgumentException>(() => TargetLabels.Classes(TableColumn.Categorical("y", ["a", "a"]), MlTask.Binary));
    }
}
