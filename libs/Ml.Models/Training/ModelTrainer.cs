using Platform.Contracts;
using System.Diagnostics;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models;

/// <summary>
/// Trains a model end to end: rows with a missing target are dropped; degenerate data (too few rows, a constant
/// target, a single class, no varying feature) fails at once with a <see cref="TrainingException"/>; the rest are
/// split into training and holdout exactly as scikit-learn's <c>train_test_split(test_size, random_state=seed)</c>
/// (with <c>stratify=y</c> for classifiers); every candidate (trainer × grid point, the trainers taken in turn so
/// that each family is tried early) is scored by k-fold cross-validation on the training split (stratified for
/// classifiers, as <c>StratifiedKFold</c>); the best mean selection score wins (R² for regression, log-loss for
/// classifiers; on a tie the earlier candidate in search order wins), or on small data the simplest setting of its
/// trainer within one standard error of it; for multiclass a soft-voting ensemble of the families' best candidates,
/// scored on their out-of-fold probabilities, wins instead when it scores better still (<see cref="EnsembleSelection"/>);
/// the winner is refitted on every training row, exported to ONNX, and the
/// ONNX model is evaluated on the untouched holdout. An optional time budget bounds the search.
/// </summary>
public static class ModelTrainer
{
    /// <summary>Every trainer of the task (any of them may be named in <see cref="TrainingOptions.Trainers"/>).</summary>
    public static IReadOnlyList<string> TrainerNames(MlTask task) => TrainerCatalog.Names(task);

    /// <summary>The trainers searched when <see cref="TrainingOptions.Trainers"/> is null, for that many training rows.</summary>
    public static IReadOnlyList<string> DefaultTrainers(MlTask task, int trainRows = 0) => TrainerCatalog.DefaultSearch(task, trainRows);

    /// <summary>The metric model selection maximises.</summary>
    public static string PrimaryMetricOf(MlTask task) => task switch
    {
        MlTask.Regression => "r2",
        MlTask.Binary => "auc",
        _ => "macro_accuracy",
    };

    /// <summary>
    /// The metric the search ranks candidates by: R² for regression; for classifiers the log-loss (lower is better),
    /// a proper scoring rule that sees ranking and calibration at once, where ROC AUC could not tell a strongly
    /// over-regularised logistic regression from a good one (it ranks as well and misclassifies more), and where
    /// accuracy ties on small folds. Multiclass data from <see cref="TrainerCatalog.LargeData"/> training rows on is
    /// ranked by its primary metric, macro accuracy: folds are large enough not to tie, and boosting's log-loss
    /// bottoms out rounds before its accuracy does (3-class, 2,400 rows: log-loss best at 80 rounds, CV accuracy
    /// 0.879, still rising to 0.885 at 140).
    /// </summary>
    public static string SelectionMetricOf(MlTask task, int trainRows = 0) => task switch
    {
        MlTask.Regression => "r2",
        MlTask.Multiclass when trainRows >= TrainerCatalog.LargeData => "macro_accuracy",
        _ => "log_loss",
    };

    public static TrainingResult Train(Table data, TrainingOptions options, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Train(data, options, progress, TimeProvider.System, cancellationToken);

    /// <summary>The same, with the clock the time budget runs on (tests pass a fake one).</summary>
    internal static TrainingResult Train(Table data, TrainingOptions options, IProgress<TrainingProgress>? progress, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (!data.Contains(options.Target)) throw new ArgumentException($"The table has no target column '{options.Target}'.", nameof(options));
        if (options.Repeats is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Repeats, "Repeats must be at least 1.");
        var stopwatch = Stopwatch.StartNew();
        cancellationToken.ThrowIfCancellationRequested();

        var target = data[options.Target];
        var labelled = Enumerable.Range(0, data.RowCount).Where(row => TargetLabels.Text(target, row) is not null).ToArray();
        if (labelled.Length < data.RowCount) data = data.SelectRows(labelled);
        var classes = TrainingData.Classes(data, options);
        var layout = FeatureLayout.From(data, options.Target);
        foreach (var name in options.Trainers ?? []) TrainerCatalog.Grid(options.Task, name); // unknown names fail before any work
        TrainingData.Check(data, options, layout, classes);

        var classOfRow = classes is null ? null : TargetLabels.Indexes(data[options.Target], classes);
        var (trainRows, holdoutRows) = classOfRow is null
            ? TrainTestSplit.Split(data.RowCount, options.TestFraction, options.Seed)
            : TrainTestSplit.StratifiedSplit(classOfRow, options.TestFraction, options.Seed);
        var train = data.SelectRows(trainRows);
        var holdout = data.SelectRows(holdoutRows);

        var trainerNames = options.Trainers ?? DefaultTrainers(options.Task, train.RowCount);
        var candidates = InTurn(trainerNames.Select(name => TrainerCatalog.Grid(options.Task, name, train.RowCount)).ToArray());
        // Repeated k-fold on small data: each repeat shuffles the folds anew (the first with the run's seed, so one
        // repeat is plain k-fold), and every candidate is scored on the folds of all repeats.
        var repeats = options.Repeats ?? RepeatsFor(train.RowCount);
        IReadOnlyList<Fold> folds = Enumerable.Range(0, repeats).SelectMany(repeat =>
        {
            var seed = (int)(((long)options.Seed + repeat) % int.MaxValue);
            var splits = classOfRow is null
                ? TrainTestSplit.KFold(train.RowCount, options.Folds, seed)
                : TrainTestSplit.StratifiedKFold(trainRows.Select(row => classOfRow[row]).ToArray(), options.Folds, seed);
            return splits.Select(f => new Fold(f.Train, f.Validation, repeat * train.RowCount));
        }).ToArray();
        var metric = PrimaryMetricOf(options.Task);

        // The timer stops a fit in progress; the elapsed-time check between folds does not depend on the timer's
        // callback being scheduled promptly (a busy thread pool can delay it).
        var started = clock.GetTimestamp();
        bool Expired() => options.TimeBudget is { } limit && clock.GetElapsedTime(started) >= limit;
        using var timer = new CancellationTokenSource(options.TimeBudget ?? Timeout.InfiniteTimeSpan, clock);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);

        // Successive halving on large data: every candidate on the first folds, then only the best third on the rest.
        var halving = train.RowCount >= TrainerCatalog.LargeData && candidates.Count > HalvingSurvivors && folds.Count > HalvingFolds;
        var firstRung = halving ? HalvingFolds : folds.Count;
        var survivorCount = halving ? Math.Max(HalvingSurvivors, (candidates.Count + 2) / 3) : candidates.Count;
        var total = candidates.Count * firstRung + survivorCount * (folds.Count - firstRung);
        var done = 0;
        var evaluated = new List<Evaluation>();
        var stopped = false;
        var ensembling = Ensembles(options.Task) && options.EnsembleSize >= 2;

        foreach (var candidate in candidates)
        {
            var evaluation = new Evaluation(candidate, SelectionMetricOf(options.Task, train.RowCount), train.RowCount * repeats, options.Folds, ensembling);
            stopped = !Run(evaluation, folds.Take(firstRung));
            if (stopped) break; // the budget ran out during this candidate
            if (!halving) evaluation.Trim(all: false);
            evaluated.Add(evaluation);
        }

        if (halving && !stopped)
        {
            var survivors = Ranked(evaluated).Take(survivorCount).ToArray();
            foreach (var pruned in evaluated.Except(survivors)) pruned.Trim(all: true);
            foreach (var survivor in survivors)
                if (!Run(survivor, folds.Skip(firstRung))) break;
        }

        if (evaluated.Count == 0)
            throw new TrainingException(TrainingFailure.TimeBudgetExhausted,
                $"The time budget of {options.TimeBudget} ran out before any candidate finished its cross-validation " +
                $"({candidates[0].Trainer} was the first); raise Training:TimeBudget or train on fewer rows.");

        // Every stage of a boosted fit is a candidate of its own (its round count); the best of all wins, or on small
        // data the simplest setting of the best's trainer within one standard error of it.
        var ranked = evaluated
            .SelectMany(e => e.Results().Select(r => (r.Result, r.Score, r.StdError, r.Candidate, e.FoldCount)))
            .OrderByDescending(r => r.FoldCount)
            .ThenByDescending(r => r.Score)
            .ToArray();
        var top = ranked[0];
        var best = options.OneStandardErrorRule && train.RowCount < TrainerCatalog.LargeData
            ? ranked
                .Where(r => r.Candidate.Trainer == top.Candidate.Trainer && r.FoldCount == top.FoldCount && r.Score >= top.Score - top.StdError)
                .OrderBy(r => r.Candidate.Complexity) // stable: equally simple settings keep their rank
                .First().Candidate
            : top.Candidate;

        // A soft-voting ensemble of the families' best candidates, scored on the same out-of-fold predictions, is one
        // more candidate: it is recorded in the table, and chosen only when it beats the best single candidate.
        var table = ranked.Select(r => r.Result).ToList();
        EnsembleChoice? ensemble = null;
        if (ensembling && top.FoldCount == folds.Count)
        {
            var selectionStarted = Stopwatch.GetTimestamp();
            var selectionMetric = SelectionMetricOf(options.Task, train.RowCount);
            var validations = folds.Select(f => train.SelectRows(f.Validation)).ToArray();
            var pool = evaluated
                .Where(e => e.FoldCount == folds.Count)
                .GroupBy(e => e.Candidate.Trainer)
                .Select(family => family.OrderByDescending(e => e.Best).First())
                .OrderByDescending(e => e.Best)
                .Select(e => e.OutOfFold())
                .OfType<OutOfFold>()
                .ToArray();
            var choice = EnsembleSelection.Select(pool, folds.Select(f => f.Slots).ToArray(), options.EnsembleSize, classes!, (f, p) =>
            {
                var metrics = ModelEvaluator.Evaluate(options.Task, validations[f], options.Target, p, classes);
                return (metrics[metric], ScoreOfSelection(selectionMetric, metrics[selectionMetric]));
            });
            if (choice is not null)
            {
                var primary = choice.FoldPrimary.ToArray();
                var stdError = StdError(choice.FoldSelection, options.Folds);
                var row = new CandidateResult(EnsembleTrainer, EnsembleParameters(choice), primary.Average(), StdDev(primary), primary,
                    Math.Round(Stopwatch.GetElapsedTime(selectionStarted).TotalSeconds, 3), SelectionFromScore(selectionMetric, choice.Score), stdError);
                table.Insert(ranked.TakeWhile(r => r.FoldCount == folds.Count && r.Score >= choice.Score).Count(), row);
                if (choice.Score > top.Score) ensemble = choice;
            }
        }

        var chosenTrainer = ensemble is null ? best.Trainer : EnsembleTrainer;
        progress?.Report(new TrainingProgress("refit", 0, 1, chosenTrainer));
        var fitted = (ensemble?.Members.Select(m => m.Candidate) ?? [best])
            .Select(c => MlNetPipeline.Fit(train, options.Target, options.Task, layout, classes, c, options.Seed, cancellationToken))
            .ToArray();
        progress?.Report(new TrainingProgress("export", 0, 1, chosenTrainer));
        var exports = fitted.Select(f => PipelineReader.Read(f, train, options.Target)).ToArray();
        var onnx = ensemble is null ? OnnxExporter.Export(exports[0]) : OnnxExporter.ExportEnsemble(exports, ensemble.Weights);

        using var scorer = OnnxScorer.Load(onnx);
        var holdoutScores = scorer.Score(holdout);
        progress?.Report(new TrainingProgress("export", 1, 1, chosenTrainer));
        // An ensemble reports the feature weights of its heaviest member (the first of the heaviest).
        var heaviest = ensemble is null ? 0 : ensemble.Weights.ToList().IndexOf(ensemble.Weights.Max());
        var (weightKind, weights) = FeatureWeights.Of(exports[heaviest]);

        return new TrainingResult
        {
            Signature = exports[0].Signature,
            SearchedTrainers = trainerNames,
            Trainer = chosenTrainer,
            Parameters = ensemble is null ? best.Parameters : EnsembleParameters(ensemble),
            PrimaryMetric = metric,
            SelectionMetric = SelectionMetricOf(options.Task, train.RowCount),
            HigherIsBetter = true,
            HoldoutMetrics = ModelEvaluator.Evaluate(options.Task, holdout, options.Target, holdoutScores, classes),
            ConfusionMatrix = classes is null ? null : ModelEvaluator.Confusion(holdout, options.Target, holdoutScores, classes),
            HoldoutPredictions = classes is null ? ModelEvaluator.Predictions(holdout, options.Target, holdoutScores) : [],
            CrossValidation = table,
            SkippedCandidates = candidates.Count - evaluated.Count,
            Folds = options.Folds,
            Repeats = repeats,
            FeatureWeightKind = weightKind,
            FeatureWeights = weights,
            OnnxModel = onnx,
            MlNetModel = ensemble is null ? fitted[0].Save(train) : EnsembleArchive.Save(fitted, ensemble.Weights, train),
            Holdout = holdout,
            TrainRows = train.RowCount,
            HoldoutRows = holdout.RowCount,
            Seed = options.Seed,
            Duration = stopwatch.Elapsed,
        };

        // Scores the candidate on more folds; false when the budget stopped it (a partial rung is discarded).
        bool Run(Evaluation evaluation, IEnumerable<Fold> moreFolds)
        {
            var rungStarted = Stopwatch.GetTimestamp();
            var scores = FoldScores(evaluation.Candidate, train, moreFolds.ToArray(), layout, classes, options, metric, ensembling, Expired, budget.Token, () =>
                progress?.Report(new TrainingProgress("cross-validation", ++done, total, evaluation.Candidate.Trainer)));
            cancellationToken.ThrowIfCancellationRequested();
            if (scores is null) return false;
            evaluation.Add(scores);
            evaluation.Seconds += Stopwatch.GetElapsedTime(rungStarted).TotalSeconds;
            return true;
        }
    }

    /// <summary>Below this many training rows the folds are repeated until about this many out-of-fold predictions per candidate.</summary>
    public const int RepeatRows = 400;

    /// <summary>At most this many repeats by data size.</summary>
    public const int MaxRepeats = 3;

    /// <summary>
    /// Repeats of k-fold cross-validation for <paramref name="trainRows"/> training rows when <see cref="TrainingOptions.Repeats"/>
    /// is null: as many as bring the out-of-fold predictions per candidate nearest to <see cref="RepeatRows"/>, at most
    /// <see cref="MaxRepeats"/> (wine's 142 training rows: 3, iris's 120: 3, 240 rows: 2, from 267 rows on: 1). On a
    /// hundred-odd rows one k-fold split's noise decides between close candidates; new shuffles average it out.
    /// </summary>
    public static int RepeatsFor(int trainRows) =>
        trainRows <= 0 ? 1 : Math.Clamp((int)Math.Round(RepeatRows / (double)trainRows, MidpointRounding.AwayFromZero), 1, MaxRepeats);

    /// <summary>
    /// One validation fold of one repeat. <see cref="Slots"/> are its rows' places in the out-of-fold arrays, which
    /// hold one prediction per training row and repeat (repeat r's rows at r × training rows + row).
    /// </summary>
    private sealed record Fold(int[] Train, int[] Validation, int Offset)
    {
        public int[] Slots { get; } = Validation.Select(row => row + Offset).ToArray();
    }

    /// <summary>
    /// The standard error of a mean over folds, counting at most one repeat's folds as independent: repeats reuse the
    /// same rows, so they steady the mean without making the evidence k × repeats samples strong.
    /// </summary>
    private static double StdError(IReadOnlyList<double> selection, int foldsPerRepeat) =>
        StdDev(selection) / Math.Sqrt(Math.Min(selection.Count, foldsPerRepeat));

    /// <summary>The name an ensemble is recorded under, in the CV table and as the chosen trainer.</summary>
    public const string EnsembleTrainer = "ensemble";

    /// <summary>Tasks whose search ends with a soft-voting ensemble candidate.</summary>
    private static bool Ensembles(MlTask task) => task == MlTask.Multiclass;

    /// <summary>An ensemble's parameters: member_i = trainer(key=value …, space-separated: no comma for CSV reports), weight_i = its weight (invariant, round-trip).</summary>
    private static Dictionary<string, string> EnsembleParameters(EnsembleChoice choice)
    {
        var parameters = new Dictionary<string, string>();
        for (var i = 0; i < choice.Members.Count; i++)
        {
            var c = choice.Members[i].Candidate;
            parameters[$"member_{i}"] = $"{c.Trainer}({string.Join(" ", c.Parameters.Select(kv => $"{kv.Key}={kv.Value}"))})";
            parameters[$"weight_{i}"] = choice.Weights[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        return parameters;
    }

    /// <summary>Successive halving's first rung: this many folds for every candidate.</summary>
    private const int HalvingFolds = 2;

    /// <summary>At least this many candidates go on from the first rung to the remaining folds.</summary>
    private const int HalvingSurvivors = 3;

    /// <summary>
    /// Candidates scored on every fold first (so a survivor of successive halving always beats one pruned after the
    /// first rung), then by selection score; NaN (e.g. a fold with one class) ranks last; the sort is stable, so ties
    /// keep search order.
    /// </summary>
    private static IEnumerable<Evaluation> Ranked(IEnumerable<Evaluation> evaluations) => evaluations
        .OrderByDescending(e => e.FoldCount)
        .ThenByDescending(e => e.Best);

    private static double Rank(double score) => double.IsNaN(score) ? double.NegativeInfinity : score;

    /// <summary>A fold's primary metric and selection score (higher is better) of one candidate at one stage.</summary>
    private readonly record struct FoldScore(double Primary, double Selection);

    /// <summary>One fold of one candidate: a score per stage and, when kept, the validation rows' probabilities per stage.</summary>
    private sealed record FoldResult(FoldScore[] Scores, float[][][]? Probabilities, int[] Slots);

    /// <summary>
    /// One candidate's fold scores so far, one list per stage (a boosted fit is scored after several round
    /// counts; any other candidate has one stage). It ranks by its best stage.
    /// </summary>
    private sealed class Evaluation(TrainerCandidate candidate, string selectionMetric, int outOfFoldRows, int foldsPerRepeat, bool keepOutOfFold)
    {
        private readonly List<FoldScore>[] _scores = Enumerable.Range(0, candidate.Stages?.Count ?? 1).Select(_ => new List<FoldScore>()).ToArray();
        // Per stage, each training row's out-of-fold probabilities (classifiers, for the ensemble); null when not kept.
        private float[][]?[]? _outOfFold = keepOutOfFold ? new float[][]?[candidate.Stages?.Count ?? 1] : null;

        public TrainerCandidate Candidate { get; } = candidate;
        public double Seconds { get; set; }
        public int FoldCount => _scores[0].Count;
        public double Best => _scores.Max(SelectionScore);

        /// <summary>One entry per fold, each with one score per stage.</summary>
        public void Add(IReadOnlyList<FoldResult> folds)
        {
            foreach (var fold in folds)
                for (var stage = 0; stage < _scores.Length; stage++)
                {
                    _scores[stage].Add(fold.Scores[stage]);
                    if (_outOfFold is null || fold.Probabilities is null) continue;
                    var oof = _outOfFold[stage] ??= new float[outOfFoldRows][];
                    for (var i = 0; i < fold.Slots.Length; i++) oof[fold.Slots[i]] = fold.Probabilities[stage][i];
                }
        }

        /// <summary>The best stage's out-of-fold probabilities, once every fold is in; null if not kept.</summary>
        public OutOfFold? OutOfFold()
        {
            if (_outOfFold is null) return null;
            var best = Enumerable.Range(0, _scores.Length).OrderByDescending(i => SelectionScore(_scores[i])).First();
            var oof = _outOfFold[best];
            if (oof is null || oof.Any(p => p is null)) return null;
            return new OutOfFold(Candidate.Stages is { } rounds ? Candidate.AtStage!(rounds[best]) : Candidate, oof);
        }

        /// <summary>Frees the probabilities of every stage but the best (or all of them), once they are no longer needed.</summary>
        public void Trim(bool all)
        {
            if (_outOfFold is null) return;
            if (all) { _outOfFold = null; return; }
            var best = Enumerable.Range(0, _scores.Length).OrderByDescending(i => SelectionScore(_scores[i])).First();
            for (var i = 0; i < _outOfFold.Length; i++)
                if (i != best) _outOfFold[i] = null;
        }

        /// <summary>
        /// Each stage as a candidate (the round count in its parameters), best first, fewer rounds first on a tie, with
        /// the standard error of its mean selection score over the folds.
        /// </summary>
        public IEnumerable<(CandidateResult Result, double Score, double StdError, TrainerCandidate Candidate)> Results() => Enumerable.Range(0, _scores.Length)
            .Select(i => (Scores: _scores[i], Candidate: Candidate.Stages is { } rounds ? Candidate.AtStage!(rounds[i]) : Candidate))
            .OrderByDescending(s => SelectionScore(s.Scores))
            .Select(s =>
            {
                var primary = s.Scores.Select(f => f.Primary).ToArray();
                var selection = s.Scores.Select(f => f.Selection).ToArray();
                var stdError = StdError(selection, foldsPerRepeat);
                // A boosted fit's seconds are shared by its stages: each records what the whole fit cost.
                var result = new CandidateResult(s.Candidate.Trainer, s.Candidate.Parameters, primary.Average(), StdDev(primary), primary,
                    Math.Round(Seconds, 3), SelectionFromScore(selectionMetric, selection.Average()), stdError);
                return (result, SelectionScore(s.Scores), stdError, s.Candidate);
            });

        private static double SelectionScore(List<FoldScore> scores) => Rank(scores.Average(f => f.Selection));
    }

    /// <summary>The selection metric as ranked (higher is better): the metric, or the negated log-loss.</summary>
    private static double ScoreOfSelection(string metric, double value) => metric == "log_loss" ? -value : value;

    private static double SelectionFromScore(string metric, double score) => metric == "log_loss" ? -score : score;

    /// <summary>The candidate's scores on every fold (one per stage), or null when the budget stopped it first.</summary>
    private static List<FoldResult>? FoldScores(TrainerCandidate candidate, Table train, IReadOnlyList<Fold> folds,
        FeatureLayout layout, IReadOnlyList<string>? classes, TrainingOptions options, string metric, bool keepProbabilities, Func<bool> expired,
        CancellationToken budget, Action foldDone)
    {
        var selection = SelectionMetricOf(options.Task, train.RowCount);
        var scores = new List<FoldResult>(folds.Count);
        foreach (var fold in folds)
        {
            if (expired() || budget.IsCancellationRequested) return null;
            var validation = train.SelectRows(fold.Validation);
            FittedPipeline fitted;
            try
            {
                fitted = MlNetPipeline.Fit(train.SelectRows(fold.Train), options.Target, options.Task, layout, classes, candidate, options.Seed, budget);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            IReadOnlyList<ScoreResult> predictions = candidate.Stages is { } stages
                ? StagedScores.Score(fitted, validation, stages)
                : [fitted.Score(validation)];
            scores.Add(new FoldResult(predictions.Select(p =>
            {
                var metrics = ModelEvaluator.Evaluate(options.Task, validation, options.Target, p, classes);
                return new FoldScore(metrics[metric], ScoreOfSelection(selection, metrics[selection]));
            }).ToArray(), keepProbabilities ? predictions.Select(p => p.Probabilities!).ToArray() : null, fold.Slots));
            foldDone();
        }

        return scores;
    }

    /// <summary>The grids interleaved: every trainer's first point, then every trainer's second, and so on.</summary>
    private static List<TrainerCandidate> InTurn(IReadOnlyList<TrainerCandidate>[] grids)
    {
        var result = new List<TrainerCandidate>();
        for (var i = 0; result.Count < grids.Sum(g => g.Count); i++)
            foreach (var grid in grids)
                if (i < grid.Count) result.Add(grid[i]);
        return result;
    }

    private static double StdDev(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
