namespace Platform.Training.Model;

/// <summary>The newest dataset version seen for a model: what a drift-triggered retrain trains on.</summary>
public sealed class DatasetPointer
{
    public required string ModelName { get; set; }
    public required string DatasetName { get; set; }
    public int DatasetVersion { get; set; }
    public Guid DatasetVersionId { get; set; }
    public required string Sha256 { get; set; }
    public required string Target { get; set; }
    public required string Task { get; set; }
    public required string ContentUri { get; set; }

    public DatasetPointer Copy() => (DatasetPointer)MemberwiseClone();
}
