namespace Platform.Ml.Models;

/// <summary>What to train and how to validate it.</summary>
/// <param name="Target">The column to predict.</param>
/// <param name="Seed">Seeds the holdout split, the cross-validation folds, ML.NET and every trainer: same data and seed, same model.</param>
/// <param name="TestFraction">The share of rows held out (scikit-learn's <c>train_test_split(test_size)</c>).</param>
/// <param name="Folds">Cross-validation folds on the training split for model selection.</param>
/// <param name="Trainers">Names from <see cref="ModelTrainer.TrainerNames"/>; null means <see cref="ModelTrainer.DefaultTrainers"/> for the task.</param>
/// <param name="TimeBudget">
/// Wall-clock limit on the search (cross-validation). When it runs out, the candidate being fitted is stopped and
/// the best candidate that finished wins (it is then refitted and exported, which is not counted); if none finished,
/// training fails with <see cref="TrainingFailure.TimeBudgetExhausted"/>. Null means no limit. A run cut short by the
/// budget depends on timing, so "same data and seed, same bytes" holds only for runs that finish within it.
/// </param>
/// <param name="OneStandardErrorRule">
/// On small data (fewer than 1,000 training rows, where fold noise decides between close candidates) the model is
/// not the best-scoring setting but the simplest setting of the same trainer whose mean selection score is within one
/// standard error of the best (fewer boosting rounds or leaves, a stronger penalty): the rule of Breiman et al. and
/// of The Elements of Statistical Learning §7.10. False takes the best-scoring candidate always.
/// </param>
/// <param name="EnsembleSize">
/// Multiclass: rounds of greedy ensemble selection (with replacement) over the best candidate of each searched
/// family, scored on the search's out-of-fold probabilities; the ensemble is chosen only when its mean selection
/// score beats the best single candidate's. Fewer than 2 turns it off.
/// </param>
/// <param name="Repeats">
/// Repeats of the k-fold cross-validation, each with new shuffles (the first with <paramref name="Seed"/>): every
/// candidate is scored on Folds × Repeats folds. Null chooses by data size (<see cref="ModelTrainer.RepeatsFor"/>: up to 3
/// below 400 training rows, else 1); 1 is plain k-fold.
/// </param>
public sealed record TrainingOptions(
    string Target,
    MlTask Task,
    int Seed = 42,
    double TestFraction = 0.2,
    int Folds = 5,
    IReadOnlyList<string>? Trainers = null,
    TimeSpan? TimeBudget = null,
    bool OneStandardErrorRule = true,
    int EnsembleSize = 5,
    int? Repeats = null);

