using System.Runtime.CompilerServices;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.Ml.Models.Tests;

/// <summary>The shared public datasets, read once per test run, and a small synthetic one with every column kind.</summary>
internal static class Datasets
{
    /// <summary>
    /// SharedData looks upwards from the test binaries, which an isolated --artifacts-path (e.g. /tmp/art-models)
    /// puts outside the checkout. When PLATFORM_SHARED_DATA is unset, point it at the shared/data folder found
    /// upwards from this source file instead, so the plain `dotnet test ... --artifacts-path` command works.
    /// </summary>
    [ModuleInitializer]
    internal static void LocateSharedData() => LocateFrom();

    private static void LocateFrom([CallerFilePath] string sourceFile = "")
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PLATFORM_SHARED_DATA"))) return;
        for (var dir = new FileInfo(sourceFile).Directory; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "diabetes.csv")))
            {
                Environment.SetEnvironmentVariable("PLATFORM_SHARED_DATA", candidate);
                return;
            }
        }
    }

    private static readonly Lazy<Table> DiabetesTable = new(() => CsvTableReader.Read(SharedData.PathOf("diabetes.csv")));
    private static readonly Lazy<Table> IrisTable = new(() => CsvTableReader.Read(SharedData.PathOf("iris.csv")));
    private static readonly Lazy<Table> BreastCancerTable = new(() => CsvTableReader.Read(SharedData.PathOf("breast_cancer.csv")));
    private static readonly Lazy<Table> WineTable = new(() => CsvTableReader.Read(SharedData.PathOf("wine.csv")));

    public static Table Diabetes => DiabetesTable.Value;
    public static Table Iris => IrisTable.Value;
    public static Table BreastCancer => BreastCancerTable.Value;
    /// <summary>scikit-learn's wine: 178 rows, 13 numeric columns, target "cultivar" (3 classes).</summary>
    public static Table Wine => WineTable.Value;

    public static (Table Data, string Target) For(string name) => name switch
    {
        "diabetes" => (Diabetes, "target"),
        "iris" => (Iris, "species"),
        "breast_cancer" => (BreastCancer, "malignant"),
        "mixed-regression" => (Mixed(MlTask.Regression), "y"),
        "mixed-binary" => (Mixed(MlTask.Binary), "y"),
        "mixed-multiclass" => (Mixed(MlTask.Multiclass), "y"),
        _ => throw new ArgumentException(name),
    };

    /// <summary>
    /// 300 seeded rows with two numeric columns (one with ~10% missing values), a boolean and a categorical
    /// column (with missing values), and a target that depends on all of them.
    /// </summary>
    public static Table Mixed(MlTask task)
    {
        var random = new Random(7);
        const int n = 300;
        var x1 = new double[n];
        var x2 = new double[n];
        var flag = new double[n];
        var colour = new string?[n];
        var y = new double[n];
        var yText = new string?[n];
        string[] colours = ["red", "green", "blue"];
        for (var i = 0; i < n; i++)
        {
            x1[i] = random.NextDouble() * 10;
            x2[i] = random.NextDouble() < 0.1 ? double.NaN : random.NextDouble() * 5 - 2;
            flag[i] = random.Next(2);
            colour[i] = random.NextDouble() < 0.05 ? null : colours[random.Next(3)];
            var effect = colour[i] switch { "red" => 3.0, "green" => -2.0, _ => 0.0 };
            var value = 2 * x1[i] + (double.IsNaN(x2[i]) ? 0 : 3 * x2[i]) + 4 * flag[i] + effect + random.NextDouble() * 4;
            y[i] = value;
            yText[i] = task == MlTask.Binary ? (value > 12 ? "yes" : "no") : value < 8 ? "low" : value < 16 ? "mid" : "high";
        }

        return new Table(
        [
            TableColumn.Numeric("x1", x1),
            TableColumn.Numeric("x2", x2),
            TableColumn.Boolean("flag", flag),
            TableColumn.Categorical("colour", colour),
            task == MlTask.Regression ? TableColumn.Numeric("y", y) : TableColumn.Categorical("y", yText),
        ]);
    }
}
