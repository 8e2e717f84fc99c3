namespace Platform.Inference.Apis;

/// <summary>
/// The problems found in one request, by field (<c>instances[2].bmi</c>, <c>inputs.sepal_length</c>). Capped, so
/// that a 1,000-row request with every field wrong does not answer with a megabyte of errors.
/// </summary>
public sealed class Rejections
{
    private const int Limit = 50;
    // Made on the first problem: a valid request (nearly every one) allocates no dictionary.
    private Dictionary<string, string[]>? _errors;
    private int _more;

    public bool Any => _errors is { Count: > 0 };

    public bool TooLarge { get; private set; }

    public Dictionary<string, string[]> Errors
    {
        get
        {
            var errors = _errors ??= new(StringComparer.Ordinal);
            if (_more > 0) errors["_more"] = [$"{_more} further problem(s) not listed."];
            return errors;
        }
    }

    public void Add(string field, string reason)
    {
        var errors = _errors ??= new(StringComparer.Ordinal);
        if (errors.Count >= Limit && !errors.ContainsKey(field)) _more++;
        else errors[field] = [reason];
    }

    public void AddTooLarge(string field, string reason)
    {
        TooLarge = true;
        Add(field, reason);
    }

    /// <summary>A 413 problem for too many rows, else a 400 validation problem naming every field.</summary>
    public IResult ToResult(string title) => TooLarge
        ? TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many rows", detail: Errors.Values.First()[0],
            extensions: new Dictionary<string, object?> { ["errors"] = Errors })
        : TypedResults.ValidationProblem(Errors, title: title);
}
