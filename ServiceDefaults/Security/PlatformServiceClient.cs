using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// The platform's own stores: the addresses its services answer on. Service-discovery names (<c>http://registry</c>),
/// every address configured under <c>Services</c> (what Aspire and the hosts set), and <c>Platform:TrustedOrigins</c>.
/// Artifacts and dataset contents named by an event are fetched only from these, so a forged event cannot make a
/// service download (and serve) bytes from anywhere else.
/// </summary>
public sealed class PlatformOrigins
{
    public static readonly string[] ServiceNames = ["ingestion", "training", "registry", "inference", "monitoring"];

    private readonly HashSet<string> _origins = new(StringComparer.OrdinalIgnoreCase);

    public PlatformOrigins(IConfiguration configuration)
    {
        foreach (var name in ServiceNames)
        {
            _origins.Add($"http://{name}");
            _origins.Add($"https://{name}");
        }

        foreach (var value in configuration.GetSection("Services").AsEnumerable().Select(p => p.Value)
                     .Concat(configuration.GetSection("Platform:TrustedOrigins").AsEnumerable().Select(p => p.Value)))
        {
            foreach (var address in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                    _origins.Add(Origin(uri));
        }
    }

    public bool Contains(Uri uri) => uri.IsAbsoluteUri && _origins.Contains(Origin(uri));

    private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority).TrimEnd('/');
}

/// <summary>
/// The one handler of every service-to-service HttpClient: refuses any destination outside <see cref="PlatformOrigins"/>
/// and presents the service's own key (<c>Platform:ServiceKey</c>), so services read each other's keyed endpoints
/// (dataset contents, artifacts) without that key ever leaving the platform.
/// </summary>
public sealed class PlatformServiceHandler(PlatformOrigins origins, IConfiguration configuration) : DelegatingHandler
{
    public const string ServiceKeySetting = "Platform:ServiceKey";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } uri || !origins.Contains(uri))
            throw new HttpRequestException($"Refused to fetch '{request.RequestUri}': not one of the platform's own service addresses (Services:*, Platform:TrustedOrigins).");
        if (configuration[ServiceKeySetting] is { Length: > 0 } key && !request.Headers.Contains(ApiKeys.HeaderName))
            request.Headers.Add(ApiKeys.HeaderName, key);
        return base.SendAsync(request, cancellationToken);
    }
}

public static class PlatformServiceClients
{
    /// <summary>Makes this HttpClient a service-to-service client (platform destinations only, with the service key).</summary>
    public static IHttpClientBuilder AsPlatformServiceClient(this IHttpClientBuilder client)
    {
        client.Services.AddPlatformOrigins();
        return client.AddHttpMessageHandler<PlatformServiceHandler>();
    }

    public static IServiceCollection AddPlatformOrigins(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PlatformOrigins))) return services;
        services.AddSingleton<PlatformOrigins>();
        services.AddTransient<PlatformServiceHandler>();
        return services;
    }
}
