namespace Platform.Cli.Infrastructure;

/// <summary>Bad usage or bad input: reported as one line on stderr with exit code <see cref="ExitCodes.BadInput"/>.</summary>
public sealed class InputException(string message) : Exception(message);

public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Something failed that the input does not explain (a bug, a full disk).</summary>
    public const int Failure = 1;
    /// <summary>Usage or input error: unknown option, missing file, unknown column, malformed CSV, wrong task.</summary>
    public const int BadInput = 2;
}
