namespace Platform.OperatorConsole.Api;

/// <summary>A refusal or failure as the service said it (RFC 9457 problem details), shown to the user as is.</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail);

/// <summary>A service's answer: the value, or the problem it answered with.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;
}
