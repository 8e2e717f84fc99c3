using System.Text.Json;
using Platform.Contracts;

namespace Platform.Contracts.Tests;

/// <summary>
/// A realistic instance of every contract, with its optional parts both set and missing (null lists and versions, a
/// missing numeric input): what services actually publish and read.
/// </summary>
public static class ContractSamples
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 18, 30, 15, 123, TimeSpan.Zero);
    private static readonly Guid Run = Guid.Parse("0193a4f0-5c1e-7d2a-9b3c-4d5e6f708192");
    private static readonly Uri Content = new("http://ingestion/datasets/diabetes/versions/3/content");
    private static readonly Uri Artifact = new("http://registry/models/diabetes/versions/2/artifact");
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static readonly ColumnInfo[] Columns =
    [
        new("age", "numeric"),
        new("smoker", "boolean"),
        new("region", "categorical", ["north", "south", "east"]),
    ];

    private static readonly Dictionary<string, double> Metrics = new() { ["r2"] = 0.456, ["rmse"] = 53.9, ["mae"] = 43.2 };

    public static IEnumerable<object> All()
    {
        yield return new DatasetUploaded(Guid.NewGuid(), "diabetes", 3, Sha, 353, "target", TaskNames.Regression, Columns, Content, At);
        yield return new SubmitDataset(Guid.NewGuid(), "diabetes", "target", TaskNames.Regression, "age,target\n0.05,151\n", null);
        yield return new SubmitDataset(Guid.NewGuid(), "diabetes", null, null, null, Content, Append: true, NewSchema: false);
        // Monitoring's labelled live rows: appended through the front door with their lineage.
        var lineage = new DatasetLineage("feedback-submission/0193a4f0-6d2e-7a10-8c4b-5e6f70819203", 250, At.AddMinutes(-30), At);
        yield return lineage;
        yield return new DatasetLineage("producer-batch-17", 1000);
        yield return new SubmitDataset(Guid.NewGuid(), "diabetes", null, null, "age,target\n0.05,151\n", null, Append: true,
            Source: DatasetSources.Feedback, Lineage: lineage);
        yield return new DatasetUploaded(Guid.NewGuid(), "diabetes", 4, Sha, 250, "target", TaskNames.Regression, Columns, Content, At,
            Source: DatasetSources.Feedback, Lineage: lineage);
        yield return new DatasetAccepted(Guid.NewGuid(), "diabetes", 3, Sha, 353, true, 2, At);
        yield return new DatasetRejected(Guid.NewGuid(), "diabetes",
            [new RejectionReason("not-a-number", "Row 12, column 'bmi': 'n/a?' is not a number.", "bmi", 12, 13), new RejectionReason("missing-target", "No column 'target'.")],
            2, At);
        yield return new ModelTrained(Run, "diabetes", "diabetes", 3, Sha, Content, TriggerNames.DatasetUploaded, TaskNames.Regression, "target",
            "sdca", Columns, null, "r2", true, Metrics, null, null, Artifact, Sha, 18_432, At);
        yield return new ModelTrained(Run, "iris", "iris", 1, Sha, Content, TriggerNames.Drift, TaskNames.Multiclass, "species",
            "lightgbm", Columns, ["setosa", "versicolor", "virginica"], "macro_accuracy", true, Metrics, 1, 0.93, Artifact, Sha, 18_432, At);
        var gate = new GateHoldout("r2", "diabetes", 4, 800, 1000, "newest 200 rows of diabetes v4 (feedback), held out of training", 1,
            [12.5, 3.1, 40.2], [15.0, 2.9, 61.7]);
        yield return gate;
        yield return new ModelTrained(Run, "diabetes", "diabetes", 4, Sha, Content, TriggerNames.Drift, TaskNames.Regression, "target",
            "sdca", Columns, null, "r2", true, Metrics, 1, 0.41, Artifact, Sha, 18_432, At, Gate: gate, TrainingRowFrom: 400, TrainingRowTo: 800);
        yield return new RetrainAwaitingData("diabetes", Guid.NewGuid(), 250, 1000, false, At);
        yield return new RetrainAwaitingData("diabetes", Guid.NewGuid(), 1000, 1000, true, At.AddMinutes(10));
        yield return new ModelPromoted("diabetes", 2, 1, Run, TaskNames.Regression, Columns, Artifact, Sha, "diabetes", 3, Content, "r2", 0.456,
            "beats the champion", At, Metrics, "target", TrainingRowFrom: 400, TrainingRowTo: 800);
        yield return new ModelPromoted("diabetes", 1, null, Run, TaskNames.Regression, Columns, Artifact, Sha, "diabetes", 1, Content, "r2", 0.41,
            "first version", At);
        yield return new ModelRejected("diabetes", 3, Run, 2, "r2", 0.40, 0.456, "does not beat the champion", At);
        yield return new ModelRejected("diabetes", 1, Run, null, "r2", 0.02, null, "below the floor 0.1", At);
        yield return new ModelLoadFailed("diabetes", 3, 2, "inference-7f9c", "InvalidDataException: hash mismatch", At);
        yield return new ModelLoadFailed("diabetes", 1, null, "inference-7f9c", "OnnxRuntimeException: bad graph", At);
        yield return new TrainingFailed(Run, "diabetes", "diabetes", 3, TriggerNames.Manual, "constant target", At);
        yield return new RetrainRequested("diabetes", "operator asked", At);
        yield return new DriftDetected(Guid.NewGuid(), "diabetes", 2, 0.4, 0.3,
            [new FeatureDrift("bmi", "ks", 0.31, 1.2e-9, true), new FeatureDrift("region", "chi-square", 2.1, 0.35, false)], 1000, At.AddHours(-1), At, At);
        yield return new DriftDetected(Guid.NewGuid(), "diabetes", 2, 0.25, 0.2, [], 200, At.AddHours(-1), At, At, DriftKinds.Concept);
        yield return new PredictionsLogged(Guid.NewGuid(), "diabetes", 2, "inference-7f9c", ["age", "smoker"], ["region"],
        [
            new LoggedPrediction(Guid.NewGuid(), At, [0.05, 1], ["north"], "151.2", null),
            // age was null in the request (imputed by the model), region too.
            new LoggedPrediction(Guid.NewGuid(), At, [0, 0], [null], "140.8", null, [0]),
            new LoggedPrediction(Guid.NewGuid(), At, [0.02, 0], ["east"], "setosa", 0.97, []),
        ], 12, At.AddSeconds(-1), At);
        var version = new ModelVersionResponse("diabetes", 2, "production", TaskNames.Regression, "target", "sdca", Columns, null, "r2", true, 0.456,
            Metrics, Artifact, Sha, 18_432, new LineageResponse("diabetes", 3, Sha, Content, Run, TriggerNames.DatasetUploaded), "beats the champion",
            At.AddMinutes(-5), At);
        yield return version;
        yield return new RegisteredModelResponse("diabetes", 2, [version, version with { Version = 1, Stage = "archived", PromotedAt = null }]);
        yield return new RegisteredModelResponse("iris", null, []);
        var datasetVersion = new DatasetVersionResponse(Guid.NewGuid(), "diabetes", 3, Sha, 35_210, 442, "target", TaskNames.Regression, Columns, Content, At,
            SchemaVersion: 1, AppendedTo: 2, DroppedRows: 0);
        yield return datasetVersion;
        // Labelled feedback rows appended by Monitoring: a version of their own source.
        yield return new DatasetResponse("diabetes", 4, [datasetVersion, datasetVersion with { Version = 2, AppendedTo = null, RowCount = 353 },
            datasetVersion with { Version = 4, AppendedTo = 3, RowCount = 642, Source = DatasetSource.Feedback }]);
        var parameters = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["l2"] = "0.01" });
        var runMetrics = JsonSerializer.SerializeToElement(Metrics);
        var data = new DataSelection("since-drift: drift at row 300", "diabetes", 4, 300, 380, 400,
            [new VersionRows(3, DatasetSources.Upload, 300, 353), new VersionRows(4, DatasetSources.Feedback, 353, 400)]);
        var succeeded = new RunResponse(Run, "diabetes", RunStatuses.Succeeded, "done", null, TriggerNames.DatasetUploaded,
            "diabetes", 4, Sha, TaskNames.Regression, "target", "sdca", 42, parameters, runMetrics, null, "r2", 1, 0.41, 64, 16,
            Sha, 18_432, null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", At.AddMinutes(-2), At, 118.5,
            At.AddMinutes(-3), 1, 1, null, data, null, [new HoldoutPrediction(151, 148.2), new HoldoutPrediction(75, 96.4)],
            "coefficient", [new FeatureWeight("age", null, 0.12), new FeatureWeight("region=north", null, -0.4)]);
        yield return succeeded;
        yield return succeeded with
        {
            Model = "iris", Status = RunStatuses.Running, Stage = "cross-validation", Progress = new TrainingProgress("cross-validation", 7, 20, "fast-forest"),
            Task = TaskNames.Multiclass, FinishedAt = null, ConfusionMatrix = new ConfusionMatrix(["setosa", "versicolor"], [[10, 0], [1, 9]]),
            HoldoutPredictions = null, FeatureWeightKind = "split_share", FeatureWeights = [new FeatureWeight("petal_length", "setosa", 0.6)],
        };
        // A drift retrain waiting for labelled rows: most of a run is not there yet.
        yield return new RunResponse(Guid.NewGuid(), "diabetes", RunStatuses.AwaitingData, "awaiting 200 labelled rows", null, TriggerNames.Drift,
            "diabetes", 3, "", null, null, null, 0, null, null, null, null, null, null, 0, 0, null, 0, null, null, At, null, 0, At, 0, 0, null);
        yield return new RetrainAccepted("diabetes", "requested by an operator");
        yield return new RetrainRequest("new rows from the clinic");
        yield return new RetrainRequest(null);
    }
}
