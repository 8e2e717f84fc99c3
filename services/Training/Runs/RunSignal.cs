using Platform.ServiceDefaults.Outbox;

namespace Platform.Training.Runs;

/// <summary>Wakes the runner as soon as a run is queued or a slot frees up.</summary>
public sealed class RunSignal : WakeSignal;
