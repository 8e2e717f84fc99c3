using System.Net;
using Microsoft.Extensions.Configuration;
using Platform.ServiceDefaults.Security;

namespace Platform.SecurityTests;

/// <summary>The service-to-service handler: platform destinations only, each with the service key.</summary>
public sealed class PlatformServiceClientTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Services:registry:http:0"] = "http://127.0.0.1:5100",
        ["Platform:TrustedOrigins:0"] = "https://store.internal:8443",
        ["Platform:ServiceKey"] = "the-service-key",
    }).Build();

    [Theory]
    [InlineData("http://127.0.0.1:5100/models/iris/versions/1/artifact")]
    [InlineData("http://registry/models")]
    [InlineData("https://store.internal:8443/artifacts/x.onnx")]
    public async Task A_platform_address_is_fetched_with_the_service_key(string address)
    {
        var inner = new Recorder();
        using var client = new HttpClient(new PlatformServiceHandler(new PlatformOrigins(Configuration), Configuration) { InnerHandler = inner });
        using var response = await client.GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("the-service-key", inner.Key);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5101/models")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("https://attacker.example/model.onnx")]
    [InlineData("http://store.internal:8443/artifacts/x.onnx")]
    public async Task Any_other_address_is_refused_before_a_request_leaves(string address)
    {
        var inner = new Recorder();
        using var client = new HttpClient(new PlatformServiceHandler(new PlatformOrigins(Configuration), Configuration) { InnerHandler = inner });
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(address));
        Assert.Contains("not one of the platform's own service addresses", refused.Message, StringComparison.Ordinal);
        Assert.Null(inner.Key);
    }

    private sealed class Recorder : HttpMessageHandler
    {
        public string? Key { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Key = request.Headers.TryGetValues("X-Api-Key", out var values) ? values.Single() : null;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
