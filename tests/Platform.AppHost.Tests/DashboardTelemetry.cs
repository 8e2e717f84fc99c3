using System.Net;
using System.Text.Json;

namespace Platform.AppHost.Tests;

/// <summary>A span as the dashboard received it over OTLP, with the name of the resource (service) that sent it.</summary>
public sealed record ReceivedSpan(string Service, string Name);

/// <summary>
/// Reads what the dashboard received over OTLP through its telemetry API (<c>/api/telemetry/traces/{traceId}</c>,
/// OTLP JSON, authenticated by the <c>x-api-key</c> header), the API the Aspire CLI's <c>aspire otel</c> commands use.
/// </summary>
public sealed class DashboardTelemetry(Uri dashboard, string apiKey) : IDisposable
{
    private readonly HttpClient _client = new() { BaseAddress = dashboard, DefaultRequestHeaders = { { "x-api-key", apiKey } } };

    public async Task<IReadOnlyList<ReceivedSpan>> TraceAsync(string traceId, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync($"api/telemetry/traces/{traceId}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var spans = new List<ReceivedSpan>();
        foreach (var resourceSpans in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = ServiceName(resourceSpans);
            foreach (var scope in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                    spans.Add(new ReceivedSpan(service, span.GetProperty("name").GetString()!));
        }

        return spans;
    }

    public void Dispose() => _client.Dispose();

    private static string ServiceName(JsonElement resourceSpans)
    {
        if (resourceSpans.TryGetProperty("resource", out var resource) && resource.TryGetProperty("attributes", out var attributes))
            foreach (var attribute in attributes.EnumerateArray())
                if (attribute.GetProperty("key").GetString() == "service.name")
                    return attribute.GetProperty("value").GetProperty("stringValue").GetString()!;
        return "";
    }
}
