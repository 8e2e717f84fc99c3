namespace Platform.Ml.Models;

/// <summary>Why a training run could not produce a model.</summary>
public enum TrainingFailure
{
    /// <summary>Too few labelled rows for the holdout and the cross-validation folds.</summary>
    TooFewRows,
    /// <summary>A regression target with one value only: there is nothing to learn.</summary>
    ConstantTarget,
    /// <summary>A classification target with one class only (or a class too rare to be split).</summary>
    SingleClass,
    /// <summary>No feature varies: every column is constant or empty.</summary>
    NoInformativeFeatures,
    /// <summary>The time budget ran out before any candidate finished its cross-validation.</summary>
    TimeBudgetExhausted,
}

/// <summary>A training run that ended without a model, with a typed reason and a message that says what to change.</summary>
public sealed class TrainingException(TrainingFailure reason, string message) : Exception(message)
{
    public TrainingFailure Reason { get; } = reason;
}
