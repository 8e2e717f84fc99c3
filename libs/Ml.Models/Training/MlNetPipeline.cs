using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Platform.Ml.Data;

namespace Platform.Ml.Models.Training;

/// <summary>
/// Builds and fits the single ML.NET pipeline a model is: numeric/boolean columns concatenated, missing
/// values replaced by the training mean, then standardised ((x − mean) / standard deviation) for the trainers
/// that need it (linear, gradient-based) and left as they are for trees; categorical columns one-hot encoded;
/// all concatenated into the feature vector; then the trainer.
/// </summary>
internal static class MlNetPipeline
{
    public static FittedPipeline Fit(Table train, string target, MlTask task, FeatureLayout layout, IReadOnlyList<string>? classes,
        TrainerCandidate candidate, int seed, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ml = new MLContext(seed);
        // ML.NET's trainers check the context between iterations: this stops a long fit within moments.
        using var cancel = cancellationToken.Register(() => Cancel(ml));
        var data = new TableDataView(train, layout, Labels(train[target], task, classes));
        IDataView trainingView = data;

        // Multiclass trainers want a key label. The mapping is fitted on its own, outside the saved pipeline,
        // so that the saved model scores rows without a label column. Keys follow the class order exactly:
        // key k+1 is classes[k], whichever classes this (possibly cross-validation) split contains.
        if (task == MlTask.Multiclass)
        {
            var keys = ml.Data.LoadFromEnumerable(Enumerable.Range(0, classes!.Count).Select(i => new KeyRow { Value = i }));
            trainingView = ml.Transforms.Conversion.MapValueToKey(FeatureLayout.Label, FeatureLayout.Label, keyData: keys)
                .Fit(data).Transform(data);
        }

        // The random forest and ridge are our own code: ML.NET fits only the featurisation (imputation, scaling for
        // ridge, one-hot), and the model is fitted on the feature vectors it produces.
        var preprocessing = Preprocessing(ml, layout, candidate.Standardize);
        Func<Models> fit = (candidate.Forest, candidate.Ridge) switch
        {
            ({ } settings, _) => () => FitForest(preprocessing, data, TargetLabels.Indexes(train[target], classes!), classes!.Count, settings, seed,
                cancellationToken),
            (_, { } ridge) => () => FitRidge(preprocessing, data, RegressionTargets(train[target]), ridge, cancellationToken),
            _ => () => new Models(preprocessing.Append(candidate.Create!(ml, seed)).Fit(trainingView), null, null),
        };
        // The fit runs on its own thread and the caller waits with the token: most trainers stop at their next
        // CheckAlive, but FastTree's boosting loop never checks, so on cancellation the caller returns at once and an
        // unstoppable fit finishes alone in the background (its result is dropped).
        var fitting = Task.Factory.StartNew(fit, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Models models;
        try
        {
            fitting.Wait(cancellationToken);
            models = fitting.Result;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            _ = fitting.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed, never rethrown
            throw new OperationCanceledException(cancellationToken);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException!).Throw();
            throw;
        }

        return new FittedPipeline(ml, layout, task, classes, models.Model, ImputationMeans(train, layout), candidate, models.Forest, models.Ridge);
    }

    /// <summary>What a fit yields: ML.NET's model (the featurisation alone for our own models) and our own model, if any.</summary>
    private sealed record Models(ITransformer Model, RandomForestModel? Forest, IReadOnlyList<RidgeModel>? Ridge);

    private static Models FitForest(EstimatorChain<ITransformer> preprocessing, IDataView data, int[] labels,
        int classCount, RandomForestSettings settings, int seed, CancellationToken cancellationToken)
    {
        var featurisation = preprocessing.Fit(data);
        var (x, features) = FeatureMatrix(featurisation, data);
        return new Models(featurisation, RandomForest.Fit(x, labels.Length, features, labels, classCount, settings, seed, cancellationToken), null);
    }

    private static Models FitRidge(EstimatorChain<ITransformer> preprocessing, IDataView data, double[] targets, RidgeSettings settings,
        CancellationToken cancellationToken)
    {
        var featurisation = preprocessing.Fit(data);
        var (x, features) = FeatureMatrix(featurisation, data);
        return new Models(featurisation, null, Ridge.Fit(x, targets.Length, features, targets, settings.Alphas, cancellationToken));
    }

    /// <summary>The regression target in double, as the table holds it (ML.NET's label column is float).</summary>
    private static double[] RegressionTargets(TableColumn target) =>
        target.Numbers ?? throw new ArgumentException($"A regression target must be numeric; '{target.Name}' is not.");

    /// <summary>The pipeline's feature vectors, row-major.</summary>
    internal static (float[] Values, int Features) FeatureMatrix(ITransformer featurisation, IDataView data)
    {
        var output = featurisation.Transform(data);
        var features = ((VectorDataViewType)output.Schema[FeatureLayout.Features].Type).Size;
        var values = new List<float>();
        // Copied row by row while enumerating: the cursor may reuse one buffer for every row.
        foreach (var vector in output.GetColumn<VBuffer<float>>(FeatureLayout.Features)) values.AddRange(vector.DenseValues());
        return (values.ToArray(), features);
    }

    private static readonly System.Reflection.MethodInfo? CancelExecution =
        typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic,
            Type.EmptyTypes);

    /// <summary>
    /// MLContext.CancelExecution (what AutoML uses to stop trainers) is internal in ML.NET 5 — only the
    /// Microsoft.ML.Experimental package, not on our mirror, makes it public — so it is reached by reflection;
    /// trainers then throw at their next CheckAlive. Checked at start-up by the cancellation test.
    /// </summary>
    private static void Cancel(MLContext ml)
    {
        if (CancelExecution is null) throw new NotSupportedException("This ML.NET version cannot cancel a fit.");
        CancelExecution.Invoke(ml, null);
    }

    private static EstimatorChain<ITransformer> Preprocessing(MLContext ml, FeatureLayout layout, bool standardize)
    {
        var chain = new EstimatorChain<ITransformer>();
        var parts = new List<string>();
        if (layout.Numeric.Count > 0)
        {
            chain = chain
                .Append<ITransformer>(ml.Transforms.Concatenate(FeatureLayout.NumericRaw, layout.Numeric.Select(c => c.Name).ToArray()))
                .Append<ITransformer>(ml.Transforms.ReplaceMissingValues(FeatureLayout.NumericImputed, FeatureLayout.NumericRaw,
                    MissingValueReplacingEstimator.ReplacementMode.Mean));
            if (standardize)
            {
                // fixZero: false centres the features (offset = mean); the default would only divide by the RMS,
                // which over-penalises features with a large mean under L2.
                chain = chain.Append<ITransformer>(ml.Transforms.NormalizeMeanVariance(FeatureLayout.NumericNormalized, FeatureLayout.NumericImputed,
                    fixZero: false));
                parts.Add(FeatureLayout.NumericNormalized);
            }
            else
            {
                parts.Add(FeatureLayout.NumericImputed);
            }
        }

        for (var i = 0; i < layout.Categorical.Count; i++)
        {
            chain = chain.Append<ITransformer>(ml.Transforms.Categorical.OneHotEncoding(FeatureLayout.OneHot(i), layout.Categorical[i]));
            parts.Add(FeatureLayout.OneHot(i));
        }

        return chain.Append<ITransformer>(ml.Transforms.Concatenate(FeatureLayout.Features, parts.ToArray()));
    }

    /// <summary>
    /// The per-column means ML.NET's mean replacement learns (sum in double over the non-missing float values),
    /// recomputed here because the transformer does not expose them; the ONNX Imputer needs the same numbers.
    /// </summary>
    private static float[] ImputationMeans(Table train, FeatureLayout layout) =>
        layout.Numeric.Select(c =>
        {
            double sum = 0;
            var count = 0;
            foreach (var value in train[c.Name].Numbers!)
            {
                var single = (float)value;
                if (float.IsNaN(single)) continue;
                sum += single;
                count++;
            }

            return count == 0 ? 0f : (float)(sum / count);
        }).ToArray();

    private static Array Labels(TableColumn target, MlTask task, IReadOnlyList<string>? classes) => task switch
    {
        MlTask.Regression => target.Numbers?.Select(v => (float)v).ToArray()
            ?? throw new ArgumentException($"A regression target must be numeric; '{target.Name}' is not."),
        MlTask.Binary => TargetLabels.Indexes(target, classes!).Select(i => i == 1).ToArray(),
        _ => TargetLabels.Indexes(target, classes!).Select(i => (float)i).ToArray(),
    };

    private sealed class KeyRow
    {
        public float Value { get; set; }
    }
}

/// <summary>A fitted pipeline: scores with ML.NET (cross-validation, parity tests) and saves itself.</summary>
internal sealed class FittedPipeline(
    MLContext ml, FeatureLayout layout, MlTask task, IReadOnlyList<string>? classes, ITransformer model, float[] imputationMeans,
    TrainerCandidate candidate, RandomForestModel? forest = null, IReadOnlyList<RidgeModel>? ridge = null)
{
    public MLContext Context { get; } = ml;
    public FeatureLayout Layout { get; } = layout;
    public MlTask Task { get; } = task;
    public IReadOnlyList<string>? Classes { get; } = classes;
    public ITransformer Model { get; } = model;
    public float[] ImputationMeans { get; } = imputationMeans;
    public TrainerCandidate Candidate { get; } = candidate;
    /// <summary>The random forest when the candidate is one; <see cref="Model"/> is then the featurisation alone.</summary>
    public RandomForestModel? Forest { get; } = forest;
    /// <summary>Ridge's models, one per α of the candidate (one for a refit); <see cref="Model"/> is then the featurisation alone.</summary>
    public IReadOnlyList<RidgeModel>? Ridge { get; } = ridge;

    /// <summary>ML.NET's own predictions, in the same shape the ONNX scorer returns.</summary>
    public ScoreResult Score(Table rows)
    {
        if (Forest is not null)
        {
            var (x, features) = MlNetPipeline.FeatureMatrix(Model, new TableDataView(rows, Layout, label: null));
            return Classified(Enumerable.Range(0, rows.RowCount).Select(row => Forest.Probabilities(x.AsSpan(row * features, features))).ToArray());
        }

        if (Ridge is not null)
        {
            if (Ridge.Count != 1) throw new InvalidOperationException("A ridge path is scored per α (StagedScores), not as one model.");
            return ScoreRidge(rows, [0])[0];
        }

        var output = Model.Transform(new TableDataView(rows, Layout, label: null));
        switch (Task)
        {
            case MlTask.Regression:
                return new ScoreResult(output.GetColumn<float>("Score").Select(v => (double)v).ToArray(), null, null);
            case MlTask.Binary:
            {
                var probabilities = output.GetColumn<float>("Probability").Select(p => new[] { 1 - p, p }).ToArray();
                return Classified(probabilities);
            }
            default:
            {
                var probabilities = output.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
                return Classified(probabilities);
            }
        }
    }

    /// <summary>Predictions of the ridge models at the given indexes of the α path, from one featurisation of the rows.</summary>
    public IReadOnlyList<ScoreResult> ScoreRidge(Table rows, IReadOnlyList<int> alphaIndexes)
    {
        var ridge = Ridge ?? throw new InvalidOperationException($"{Candidate.Trainer} is not ridge.");
        var (x, features) = MlNetPipeline.FeatureMatrix(Model, new TableDataView(rows, Layout, label: null));
        // Rounded to float32, as the ONNX graph's output is.
        return alphaIndexes.Select(i => new ScoreResult(
                Enumerable.Range(0, rows.RowCount).Select(row => (double)(float)ridge[i].Predict(x.AsSpan(row * features, features))).ToArray(), null, null))
            .ToArray();
    }

    private ScoreResult Classified(float[][] probabilities) =>
        new(null, probabilities.Select(p => Classes![ArgMax(p)]).ToArray(), probabilities);

    /// <summary>The first index of the largest value: the same tie rule as ONNX ArgMax.</summary>
    internal static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    public DataViewSchema InputSchema(Table rows) => new TableDataView(rows, Layout, label: null).Schema;

    /// <summary>The zip entry that holds a random forest beside ML.NET's featurisation pipeline.</summary>
    public const string ForestEntry = "Platform/RandomForest.json";

    /// <summary>The zip entry that holds a ridge model beside ML.NET's featurisation pipeline.</summary>
    public const string RidgeEntry = "Platform/Ridge.json";

    /// <summary>
    /// ML.NET's zip of the pipeline. For a random forest (our own code, not an ML.NET transformer) that is the
    /// featurisation, whose <c>__features</c> column is the forest's input, with the forest itself beside it as a
    /// JSON entry (<see cref="ForestEntry"/>); <c>MLContext.Model.Load</c> ignores entries it does not know.
    /// </summary>
    public byte[] Save(Table rows)
    {
        using var stream = new MemoryStream();
        Context.Model.Save(Model, InputSchema(rows), stream);
        if (Forest is not null)
            AddEntry(stream, ForestEntry, new
            {
                classes = Classes,
                features = Forest.Features,
                trees = Forest.Trees.Select(t => new { left = t.Left, right = t.Right, feature = t.Feature, threshold = t.Threshold, leaf_votes = t.LeafVotes }),
            });
        if (Ridge is [var ridge])
            AddEntry(stream, RidgeEntry, new { alpha = ridge.Alpha, features = ridge.Weights.Length, weights = ridge.Weights, bias = ridge.Bias });

        return stream.ToArray();
    }

    private static void AddEntry(MemoryStream stream, string name, object content)
    {
        using var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true);
        var entry = zip.CreateEntry(name);
        entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero); // no timestamp of the run
        using var json = entry.Open();
        System.Text.Json.JsonSerializer.Serialize(json, content);
    }
}
