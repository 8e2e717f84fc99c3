namespace Platform.Training.Model;

/// <summary>
/// One request for a run (a dataset version, a drift report, an operator's retrain), kept even when it collapsed into
/// a run that was already waiting: a redelivered request finds it and queues nothing twice.
/// </summary>
public sealed class RunTrigger
{
    public required string TriggerKey { get; set; }
    public Guid RunId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
