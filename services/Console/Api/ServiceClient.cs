using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.OperatorConsole.Login;
using Platform.ServiceDefaults;

namespace Platform.OperatorConsole.Api;

/// <summary>
/// A service's public HTTP API as the logged-in user calls it: each request carries the user's key (X-Api-Key), so
/// the service enforces roles; a refusal comes back as the service's problem details.
/// </summary>
public abstract class ServiceClient(HttpClient http, ConsoleSession session)
{
    protected HttpClient Http => http;

    protected async Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync<T>(request, cancellationToken);
    }

    protected async Task<ApiResult<string>> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Keyed(new HttpRequestMessage(HttpMethod.Get, path));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? new(await response.Content.ReadAsStringAsync(cancellationToken), null)
                : new(null, await ProblemOf(response, cancellationToken));
        }
        catch (HttpRequestException e)
        {
            return new(null, Unreachable(e));
        }
    }

    protected async Task<ApiResult<T>> PostJsonAsync<T>(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: JsonColumns.Json) };
        return await SendAsync<T>(request, cancellationToken);
    }

    protected async Task<ApiResult<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Keyed(request);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode) return new(default, await ProblemOf(response, cancellationToken));
            var value = await response.Content.ReadFromJsonAsync<T>(JsonColumns.Json, cancellationToken);
            return new(value, null);
        }
        catch (HttpRequestException e)
        {
            return new(default, Unreachable(e));
        }
    }

    private HttpRequestMessage Keyed(HttpRequestMessage request)
    {
        if (session.Key is { } key) request.Headers.Add(ApiKeys.HeaderName, key);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private static ApiProblem Unreachable(HttpRequestException e) => new(503, "Service unreachable", e.Message);

    internal static async Task<ApiProblem> ProblemOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                detail = string.Join(" ", new[] { detail }.Concat(errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(v => v.ToString()))}")).Where(s => !string.IsNullOrEmpty(s)));
            return new(status, title ?? response.ReasonPhrase ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture), detail);
        }
        catch (JsonException)
        {
            return new(status, response.ReasonPhrase ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture), text.Length > 500 ? text[..500] : text);
        }
    }
}
