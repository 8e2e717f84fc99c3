using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;
using Platform.Tests;

namespace Platform.Inference.Tests;

/// <summary>Real models trained once per test run on the shared datasets: two iris classifiers and a diabetes regressor.</summary>
public static class TrainedModels
{
    private static readonly Lazy<byte[]> IrisV1 = new(() => Train("iris.csv", "species", MlTask.Multiclass, "lbfgs-maxent"));
    private static readonly Lazy<byte[]> IrisV2 = new(() => Train("iris.csv", "species", MlTask.Multiclass, "sdca-maxent"));
    private static readonly Lazy<byte[]> Diabetes = new(() => Train("diabetes_train.csv", "target", MlTask.Regression, "sdca"));

    public static byte[] Iris => IrisV1.Value;
    public static byte[] IrisOther => IrisV2.Value;
    public static byte[] DiabetesRegressor => Diabetes.Value;

    public static Table IrisRows => CsvTableReader.Read(SharedData.PathOf("iris.csv")).WithoutColumn("species");
    public static Table DiabetesRows => CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv")).WithoutColumn("target");

    public const string IrisInstance = """{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}""";

    private static byte[] Train(string file, string target, MlTask task, string trainer) =>
        ModelTrainer.Train(CsvTableReader.Read(SharedData.PathOf(file)), new TrainingOptions(target, task, Folds: 3, Trainers: [trainer])).OnnxModel;
}
