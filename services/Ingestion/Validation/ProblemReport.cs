using Platform.Contracts;

namespace Platform.Ingestion.Validation;

/// <summary>
/// The problems of one submission: the first <see cref="Limit"/> in full (a report a person can act on), and the total,
/// so that a file with a million bad rows neither floods the answer nor hides how bad it is.
/// </summary>
public sealed class ProblemReport(int limit)
{
    private readonly List<RejectionReason> _first = [];

    public int Limit { get; } = limit;
    public long Total { get; private set; }
    public IReadOnlyList<RejectionReason> First => _first;
    public bool Any => Total > 0;

    public void Add(RejectionReason reason)
    {
        Total++;
        if (_first.Count < Limit) _first.Add(reason);
    }

    public void Add(string code, string message, string? column = null, long? row = null, long? line = null) =>
        Add(new RejectionReason(code, message, column, row, line));

    public static ProblemReport Of(int limit, params RejectionReason[] reasons)
    {
        var report = new ProblemReport(limit);
        foreach (var reason in reasons) report.Add(reason);
        return report;
    }
}

/// <summary>The codes a <see cref="RejectionReason"/> carries: stable, for producers that act on them.</summary>
public static class ProblemCodes
{
    public const string InvalidName = "invalid-name";
    public const string Empty = "empty";
    public const string Header = "header";
    public const string SchemaMismatch = "schema-mismatch";
    public const string Target = "target";
    public const string Task = "task";
    public const string NoRows = "no-rows";
    public const string FieldCount = "field-count";
    public const string NotANumber = "not-a-number";
    public const string NotABoolean = "not-a-boolean";
    public const string MissingTarget = "missing-target";
    public const string InvalidUtf8 = "invalid-utf8";
    public const string ControlCharacter = "control-character";
    public const string LineTooLong = "line-too-long";
    public const string Quote = "quote";
    public const string Append = "append";
    public const string Kinds = "kinds";
    public const string TooLarge = "too-large";
    public const string Content = "content";
    public const string Unauthorized = "unauthorized";
}
