using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit.Abstractions;

namespace Platform.SecurityTests;

/// <summary>One attack: whether it applies to an endpoint, the request, and the status it must get (null: any 4xx).</summary>
public sealed record Attack(string Name, Func<Endpoint, bool> AppliesTo, Func<Endpoint, SecuredPlatform, (string? Role, HttpRequestMessage Request)> Build, int? Status = null);

/// <summary>
/// Every endpoint of every service against each hostile input that applies to it: each answer is a 4xx RFC 9457
/// problem (never a 500, never a hang: a 30 s client timeout fails the test), and <c>/health</c> answers 200 after each.
/// </summary>
[Collection(SecuredPlatformCollection.Name)]
public sealed class HostileInputTests(SecuredPlatform platform, ITestOutputHelper output)
{
    private const string Traversal = "..%2F..%2F..%2Fetc%2Fpasswd";

    public static readonly Attack[] Attacks =
    [
        new("missing key", e => !e.Anonymous, (e, _) => (null, e.Request()), 401),
        new("unknown key", e => !e.Anonymous, (e, _) => ("not-a-configured-key", e.Request()), 401),
        new("wrong role", e => Endpoints.Roles.Any(r => !e.Allows(r)), (e, _) => (Endpoints.Roles.First(r => !e.Allows(r)), e.Request()), 403),
        // Sent as a careful client sends a large body (Expect: 100-continue): the server refuses it before it is sent.
        new("oversize body", e => e.Kind != BodyKind.None, (e, _) => (Allowed(e), ExpectingContinue(e.Request(content: Oversize(e)))), 413),
        new("malformed body", e => e.Kind != BodyKind.None, (e, _) => (Allowed(e), e.Request(content: Malformed(e)))),
        new("malformed content type", e => e.Kind != BodyKind.None, (e, _) => (Allowed(e), e.Request(content: WithContentType(e.Body ?? "{}", ";;;=")))),
        new("deeply nested JSON", e => e.Kind == BodyKind.Json,
            (e, _) => (Allowed(e), e.Request(content: new StringContent("{\"instances\":" + new string('[', 200) + new string(']', 200) + "}", Encoding.UTF8, "application/json"))), 400),
        new("wrong content type", e => e.Kind != BodyKind.None,
            (e, _) => (Allowed(e), e.Request(content: WithContentType(e.Body ?? "{}", e.Kind == BodyKind.Json ? "text/plain" : "application/json"))), 415),
        new("number overflow", e => e.Path.Contains("versions/1") || (e.Body?.Any(char.IsDigit) ?? false), (e, _) => (Allowed(e), Overflow(e))),
        new("path traversal", _ => true, (e, _) => (Allowed(e), e.Request(path: Traverse(e.Path)))),
        new("URL too long", _ => true, (e, _) => (Allowed(e), e.Request(path: e.Path + (e.Path.Contains('?') ? "&" : "?") + "pad=" + new string('a', 9000))), 414),
        new("headers too large", _ => true, (e, _) => (Allowed(e), WithHeader(e.Request(), "X-Padding", new string('h', 40 * 1024))), 431),
    ];

    [Fact]
    public async Task Every_endpoint_answers_every_attack_with_a_4xx_problem_and_stays_healthy()
    {
        var failures = new List<string>();
        var requests = 0;
        using var health = platform.Client(null);
        foreach (var endpoint in platform.Endpoints)
        {
            foreach (var attack in Attacks.Where(a => a.AppliesTo(endpoint)))
            {
                requests++;
                var (role, request) = attack.Build(endpoint, platform);
                using var client = role is null ? platform.Client(null) : Endpoints.Roles.Contains(role) ? platform.Client(role) : platform.Process.CreateClient(role, SecuredPlatform.RequestTimeout);
                var what = $"{endpoint} × {attack.Name}";
                try
                {
                    using var response = await client.SendAsync(request);
                    var status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    if (status is < 400 or >= 500 || (attack.Status is { } expected && status != expected))
                        failures.Add($"{what}: {status} (expected {attack.Status?.ToString() ?? "4xx"}): {Clip(body)}");
                    else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                        failures.Add($"{what}: {status} without a problem body ({response.Content.Headers.ContentType}): {Clip(body)}");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failures.Add($"{what}: no answer ({ex.GetType().Name}: {ex.Message})");
                }
                finally
                {
                    request.Dispose();
                }

                using var probe = await health.GetAsync("health");
                if (probe.StatusCode != HttpStatusCode.OK) failures.Add($"{what}: /health answered {(int)probe.StatusCode} afterwards");
            }
        }

        output.WriteLine($"{platform.Endpoints.Count} endpoints × {Attacks.Length} attacks: {requests} applicable requests, {requests - failures.Count} answered with a 4xx problem.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} hostile requests were not answered with the expected 4xx problem:\n{string.Join("\n", failures)}");
        Assert.False(platform.Process.HasExited);
    }

    /// <summary>A role that passes the endpoint's key check, so the attack reaches what lies behind it.</summary>
    private static string? Allowed(Endpoint endpoint) => endpoint.Anonymous ? null : endpoint.Roles[0] == Endpoints.Reader ? Endpoints.Reader : endpoint.Roles[0];

    private static HttpContent Oversize(Endpoint endpoint)
    {
        var limit = endpoint.Key switch
        {
            "POST /datasets/{name}" => SecuredPlatform.MaxUploadBytes,
            "POST /feedback" => 4 * 1024 * 1024,
            _ when endpoint.Key.Contains("predict") || endpoint.Key.Contains("infer") => SecuredPlatform.MaxPredictBytes,
            _ => 16 * 1024,
        };
        var bytes = new byte[limit + 1024];
        Array.Fill(bytes, (byte)' ');
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = endpoint.Kind == BodyKind.Csv ? new MediaTypeHeaderValue("text/csv") : new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static HttpContent Malformed(Endpoint endpoint)
    {
        if (endpoint.Kind == BodyKind.Json) return new StringContent("{\"instances\":[{\"age\":", Encoding.UTF8, "application/json");
        var content = new StringContent("--not-the-boundary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx,y\n1,2", Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=expected-boundary");
        return content;
    }

    private static HttpContent WithContentType(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static HttpRequestMessage Overflow(Endpoint endpoint)
    {
        if (endpoint.Path.Contains("versions/1")) return endpoint.Request(path: endpoint.Path.Replace("versions/1", "versions/99999999999", StringComparison.Ordinal));
        var body = endpoint.Key.Contains("infer")
            ? Endpoints.InferBody(1e39)
            : System.Text.RegularExpressions.Regex.Replace(endpoint.Body!, @"(?<=[:\[,])-?\d+(\.\d+)?(?=[,}\]])", "1e39");
        return endpoint.Request(content: new StringContent(endpoint.Key == "POST /feedback" ? body.Replace("1e39", "1e400", StringComparison.Ordinal) : body,
            Encoding.UTF8, endpoint.Kind == BodyKind.Csv ? "text/csv" : "application/json"));
    }

    private static string Traverse(string path)
    {
        var query = path.IndexOf('?');
        var (route, rest) = query < 0 ? (path, "") : (path[..query], path[query..]);
        var segments = route.Split('/');
        // The last segment that names something (a dataset, model, run file) becomes a traversal.
        var index = Array.FindLastIndex(segments, s => s.Length > 0 && !int.TryParse(s, out _) && !Guid.TryParse(s, out _)
            && s is not ("versions" or "artifacts" or "predict" or "infer" or "ready" or "promote" or "rollback" or "retrain" or "compare"));
        segments[index] = segments[index] + "/" + Traversal;
        return string.Join('/', segments) + rest;
    }

    private static HttpRequestMessage ExpectingContinue(HttpRequestMessage request)
    {
        request.Headers.ExpectContinue = true;
        return request;
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
