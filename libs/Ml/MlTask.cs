namespace Platform.Ml;

public enum MlTask
{
    Regression,
    Binary,
    Multiclass,
}

public static class MlTaskNames
{
    /// <summary>The wire name ("regression", "binary", "multiclass") used by the HTTP API, the CLI and events.</summary>
    public static string ToWireName(this MlTask task) => task switch
    {
        MlTask.Regression => "regression",
        MlTask.Binary => "binary",
        MlTask.Multiclass => "multiclass",
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    public static bool TryParse(string? value, out MlTask task)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "regression": task = MlTask.Regression; return true;
            case "binary": task = MlTask.Binary; return true;
            case "multiclass": task = MlTask.Multiclass; return true;
            default: task = default; return false;
        }
    }
}
