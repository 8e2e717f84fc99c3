namespace Platform.Cli;

/// <summary>Where a verb writes: results (JSON, CSV) to <see cref="Stdout"/>, progress and messages to <see cref="Stderr"/>.</summary>
/// <param name="Interactive">True when stderr is a terminal: progress is drawn as live bars instead of plain lines.</param>
public sealed record CliContext(TextWriter Stdout, TextWriter Stderr, bool Interactive);
