using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Security;
using Platform.Tests;

namespace Platform.SecurityTests;

/// <summary>The outbound-fetch policy of claim checks against a real HTTP server on loopback.</summary>
public sealed class OutboundFetchTests : IAsyncLifetime
{
    private const string Secret = "internal-secret-content";
    private WebApplication? _server;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        _url = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        builder.WebHost.UseUrls(_url.ToString());
        _server = builder.Build();
        _server.MapGet("/data.csv", () => Results.Text("x,y\n1,2\n", "text/csv"));
        _server.MapGet("/secret", () => Results.Text(Secret, statusCode: 500));
        _server.MapGet("/to-localhost", () => Results.Redirect($"http://localhost:{_url.Port}/data.csv"));
        _server.MapGet("/to-self", () => Results.Redirect("/data.csv"));
        _server.MapGet("/stall", async (HttpContext context) =>
        {
            await context.Response.WriteAsync("x,y\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        await _server.StartAsync();
    }

    [Fact]
    public async Task Loopback_private_and_link_local_addresses_are_refused_unless_the_host_is_allowed_by_name()
    {
        using var strict = Fetcher(new OutboundFetchOptions());
        var loopback = await Assert.ThrowsAsync<OutboundFetchException>(() => strict.OpenAsync(new Uri(_url, "data.csv"), default));
        Assert.Contains("loopback, private or link-local", loopback.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OutboundFetchException>(() => strict.OpenAsync(new Uri("http://169.254.169.254/latest/meta-data/"), default));
        await Assert.ThrowsAsync<OutboundFetchException>(() => strict.OpenAsync(new Uri("http://10.0.0.1/x.csv"), default));
        await Assert.ThrowsAsync<OutboundFetchException>(() => strict.OpenAsync(new Uri("ftp://files.example.com/x.csv"), default));

        using var allowed = Fetcher(new OutboundFetchOptions { PrivateHosts = ["127.0.0.1"] });
        await using var response = await allowed.OpenAsync(new Uri(_url, "data.csv"), default);
        Assert.Equal("x,y\n1,2\n", await new StreamReader(response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task Every_redirect_is_checked_again()
    {
        using var fetcher = Fetcher(new OutboundFetchOptions { AllowedHosts = ["127.0.0.1"], PrivateHosts = ["127.0.0.1"] });
        await using (var same = await fetcher.OpenAsync(new Uri(_url, "to-self"), default))
            Assert.Equal("x,y\n1,2\n", await new StreamReader(same.Body).ReadToEndAsync());
        var elsewhere = await Assert.ThrowsAsync<OutboundFetchException>(() => fetcher.OpenAsync(new Uri(_url, "to-localhost"), default));
        Assert.Contains("'localhost' is not an allowed host", elsewhere.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_never_echo_the_fetched_content_and_a_stalled_body_times_out()
    {
        using var fetcher = Fetcher(new OutboundFetchOptions { PrivateHosts = ["127.0.0.1"], IdleTimeout = TimeSpan.FromMilliseconds(500) });
        var failed = await Assert.ThrowsAsync<OutboundFetchException>(() => fetcher.OpenAsync(new Uri(_url, "secret"), default));
        Assert.DoesNotContain(Secret, failed.Message, StringComparison.Ordinal);
        Assert.Contains("500", failed.Message, StringComparison.Ordinal);

        await using var stalled = await fetcher.OpenAsync(new Uri(_url, "stall"), default);
        var idle = await Assert.ThrowsAsync<OutboundFetchException>(() => new StreamReader(stalled.Body).ReadToEndAsync());
        Assert.Contains("stalled", idle.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("93.184.215.14", false)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", false)]
    public void Private_addresses_are_recognised(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, OutboundFetcher.IsPrivate(IPAddress.Parse(address)));

    private static OutboundFetcher Fetcher(OutboundFetchOptions options) => new(new StaticOptions(options));

    private sealed class StaticOptions(OutboundFetchOptions value) : IOptionsMonitor<OutboundFetchOptions>
    {
        public OutboundFetchOptions CurrentValue => value;
        public OutboundFetchOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<OutboundFetchOptions, string?> listener) => null;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
