using System.Globalization;
using Platform.Contracts;

namespace Platform.OperatorConsole.Components;

/// <summary>A run's holdout result said in words, for people who do not read metric names.</summary>
public static class Evaluation
{
    public static string Describe(RunResponse run)
    {
        var rows = run.HoldoutRows.ToString(CultureInfo.InvariantCulture);
        if (run.Task == "regression")
        {
            var r2 = Format.Metric(run.Metrics, "r2");
            var mae = Format.Metric(run.Metrics, "mae");
            var rmse = Format.Metric(run.Metrics, "rmse");
            var explained = r2 is { } r ? $"explains {Math.Max(0, r):P0} of the variation of '{run.Target}' " : "";
            var error = mae is { } m ? $"Its predictions are off by {Format.Number(m)} on average" + (rmse is { } e ? $" (typical error {Format.Number(e)})" : "") + "." : "";
            return $"On {rows} rows it never saw during training, the {run.Trainer} model {explained}(R² {Format.Number(r2)}; 1 would be perfect, 0 no better than always predicting the mean). {error}";
        }

        var accuracy = Format.Metric(run.Metrics, "accuracy") ?? Format.Metric(run.Metrics, "micro_accuracy");
        var auc = Format.Metric(run.Metrics, "auc");
        var right = accuracy is { } a ? $"it is right about {Math.Round(a * 100):0} times out of 100" : "its accuracy was not measured";
        var ranking = auc is { } u ? $" Ranking a random positive above a random negative, it is right {u:P0} of the time (AUC {Format.Number(u)}; 0.5 is a coin toss)." : "";
        return $"On {rows} rows it never saw during training, the {run.Trainer} model predicts '{run.Target}' and {right}.{ranking}";
    }
}
