namespace Platform.Inference.Apis;

/// <summary>
/// The problems found in one request, by field (<c>instances[2].bmi</c>, <c>inputs.sepal_length</c>). Capped, so
/// that a 1,000-row request with every field wrong does not answer with a megabyte of errors.
/// </summary>
public sealed class Rejections
{
    private const int Limit = 50;
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);
    private int _more;

    public bool Any => _errors.Count > 0;

    public bool TooLarge { get; private set; }

    public Dictionary<string, string[]> Errors
    {
        get
        {
            if (_more > 0) _errors["_more"] = [$"{_more} further problem(s) not listed."];
            return _errors;
        }
    }

    public void Add(string field, string reason)
    {
        if (_errors.Count >= Limit && !_errors.ContainsKey(field)) _more++;
        else _errors[field] = [reason];
    }

    public void AddTooLarge(string field, string reason)
    {
        TooLarge = true;
        Add(field, reason);
    }

    /// <summary>A 413 problem for too many rows, else a 400 validation problem naming every field.</summary>
    public IResult ToResult(string title) => TooLarge
        ? TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many rows", detail: _errors.Values.First()[0],
            extensions: new Dictionary<string, object?> { ["errors"] = Errors })
        : TypedResults.ValidationProblem(Errors, title: title);
}
