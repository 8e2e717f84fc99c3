using System.Net;
using System.Net.Sockets;
using Platform.ServiceDefaults.Faults;

namespace Platform.Training.Tests;

/// <summary>
/// The run runner waits out outages and fails everything else at once: which HTTP errors count as an outage decides
/// whether a run holds a runner slot for minutes or ends with its reason.
/// </summary>
public sealed class TransientFaultsTests
{
    [Fact]
    public async Task A_service_that_refuses_the_connection_is_an_outage()
    {
        // A port nobody listens on: the real error a stopped service gives.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new HttpClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{port}/"));

        Assert.True(TransientFaults.IsTransient(error));
    }

    [Fact]
    public void A_request_refused_before_it_was_sent_is_not_an_outage()
    {
        var refused = new HttpRequestException("Refused to fetch 'http://elsewhere/': not one of the platform's own service addresses.");

        Assert.False(TransientFaults.IsTransient(refused));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    public void An_answer_is_an_outage_only_when_its_status_says_try_later(HttpStatusCode status, bool transient) =>
        Assert.Equal(transient, TransientFaults.IsTransient(new HttpRequestException("answered", null, status)));

    [Fact]
    public void A_connection_error_wrapped_in_the_work_s_own_exception_is_still_an_outage()
    {
        var wrapped = new InvalidOperationException("download failed",
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        Assert.True(TransientFaults.IsTransient(wrapped));
    }
}
