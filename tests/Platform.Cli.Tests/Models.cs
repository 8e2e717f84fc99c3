using Platform.Tests;

namespace Platform.Cli.Tests;

/// <summary>One regression model trained with the CLI on diabetes_train.csv (sdca only, to keep the tests fast), shared by a test class.</summary>
public sealed class DiabetesModel : IDisposable
{
    private readonly TempFolder _folder = new();

    public DiabetesModel()
    {
        Train = Cli.Succeeds("train", "--data", SharedData.PathOf("diabetes_train.csv"), "--target", "target",
            "--trainers", "sdca", "--seed", "42", "--out", Folder);
    }

    public string Folder => _folder.File("model");
    public Cli.Result Train { get; }

    public void Dispose() => _folder.Dispose();
}

/// <summary>A multiclass model trained with the CLI on iris.csv.</summary>
public sealed class IrisModel : IDisposable
{
    private readonly TempFolder _folder = new();

    public IrisModel()
    {
        Train = Cli.Succeeds("train", "--data", SharedData.PathOf("iris.csv"), "--target", "species",
            "--trainers", "sdca-maxent", "--out", Folder);
    }

    public string Folder => _folder.File("model");
    public Cli.Result Train { get; }

    public void Dispose() => _folder.Dispose();
}
