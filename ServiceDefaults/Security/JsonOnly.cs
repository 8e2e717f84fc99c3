using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Platform.ServiceDefaults.Security;

public static class JsonOnly
{
    /// <summary>
    /// A state change accepts only <c>application/json</c> (or <c>+json</c>), with or without a body: a plain browser form
    /// (<c>text/plain</c>, <c>application/x-www-form-urlencoded</c>, <c>multipart/form-data</c>) or a body-less POST is a
    /// 415 problem, so a page elsewhere cannot move production through a user's browser. A Content-Type that does not
    /// parse is a 400 problem.
    /// </summary>
    public static TBuilder RequireJsonContent<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder
    {
        endpoint.AddEndpointFilter(async (context, next) => Refusal(context.HttpContext.Request) ?? await next(context));
        return endpoint;
    }

    /// <summary>The problem for a request that is not JSON, or null when it is (for handlers on a hot path that skip filters).</summary>
    public static IResult? Refusal(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType)) return UnsupportedMedia();
        // What nearly every client sends, answered without parsing (a parse allocates on every prediction request).
        if (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase)) return null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed Content-Type",
                detail: "The Content-Type header does not parse; send 'Content-Type: application/json'.");
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            ? null
            : UnsupportedMedia();
    }

    private static IResult UnsupportedMedia() =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON required",
            detail: "This endpoint changes state and accepts only 'Content-Type: application/json' (a JSON body, '{}' when there is nothing to say).");
}
