using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// What a service may fetch from an address someone else gave it (a producer's claim-check URL). Section
/// <c>OutboundFetch</c>.
/// </summary>
public sealed class OutboundFetchOptions
{
    public const string Section = "OutboundFetch";

    /// <summary>Schemes that may be fetched; empty (the default): http and https.</summary>
    public List<string> AllowedSchemes { get; set; } = [];

    /// <summary>
    /// Hosts that may be fetched: a name (<c>files.example.com</c>) or a suffix (<c>*.example.com</c>); empty (the
    /// default): any host that resolves to a public address.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Hosts (<c>host</c> or <c>host:port</c>) that may resolve to loopback, private or link-local addresses. Empty by
    /// default: a URL that reaches the machine itself, the cluster network or the cloud metadata service is refused.
    /// </summary>
    public List<string> PrivateHosts { get; set; } = [];

    public int MaxRedirects { get; set; } = 5;
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for the next bytes of the body: a server that trickles is cut off.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>A refused or failed outbound fetch. The message names the address and the reason, never fetched content.</summary>
public sealed class OutboundFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The one policy for fetching from addresses the platform does not own: allowed schemes and hosts, addresses checked
/// at connect time (so DNS that changes between check and connect cannot reach a private address), every redirect
/// re-checked, header / idle / total timeouts, no proxy, no service key, no service discovery.
/// </summary>
public sealed class OutboundFetcher : IDisposable
{
    private readonly IOptionsMonitor<OutboundFetchOptions> _options;
    private readonly HttpClient _http;

    public OutboundFetcher(IOptionsMonitor<OutboundFetchOptions> options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = options.CurrentValue.ConnectTimeout,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Opens <paramref name="uri"/> and returns the response once its headers are in; the body stream enforces the idle and total timeouts.</summary>
    public async Task<OutboundResponse> OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(options.TotalTimeout);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                CheckAddress(uri, options);
                using var headers = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
                headers.CancelAfter(options.HeaderTimeout);
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseHeadersRead, headers.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new OutboundFetchException($"'{uri}' sent no response headers within {options.HeaderTimeout.TotalSeconds:0} s.");
                }
                catch (HttpRequestException ex)
                {
                    throw new OutboundFetchException($"'{uri}' could not be fetched: {(ex.InnerException as OutboundFetchException)?.Message ?? ex.HttpRequestError.ToString()}.", ex);
                }

                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    response.Dispose();
                    if (redirects >= options.MaxRedirects) throw new OutboundFetchException($"'{uri}' redirected more than {options.MaxRedirects} times.");
                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var status = response.StatusCode;
                    response.Dispose();
                    throw new OutboundFetchException($"'{uri}' answered {(int)status} {status}.");
                }

                var body = await response.Content.ReadAsStreamAsync(total.Token);
                return new OutboundResponse(response, new IdleTimeoutStream(body, options.IdleTimeout, total), response.Content.Headers.ContentLength);
            }
        }
        catch
        {
            total.Dispose();
            throw;
        }
    }

    private static void CheckAddress(Uri uri, OutboundFetchOptions options)
    {
        IReadOnlyList<string> schemes = options.AllowedSchemes.Count > 0 ? options.AllowedSchemes : ["http", "https"];
        if (!uri.IsAbsoluteUri || !schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
            throw new OutboundFetchException($"'{uri}' is not an allowed address: schemes {string.Join(", ", schemes)} only.");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new OutboundFetchException($"'{uri.GetLeftPart(UriPartial.Scheme)}{uri.Host}' carries credentials in the address, which is refused.");
        var host = uri.IdnHost;
        var allowed = options.AllowedHosts.Count == 0 || options.AllowedHosts.Any(pattern => pattern == "*"
            || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase))
            || string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase))
            || IsPrivateHostAllowed(host, uri.Port, options);
        if (!allowed) throw new OutboundFetchException($"'{uri.Host}' is not an allowed host (OutboundFetch:AllowedHosts).");
    }

    private static bool IsPrivateHostAllowed(string host, int port, OutboundFetchOptions options) =>
        options.PrivateHosts.Any(entry =>
            string.Equals(entry, host, StringComparison.OrdinalIgnoreCase) || string.Equals(entry, $"{host}:{port}", StringComparison.OrdinalIgnoreCase));

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var mayBePrivate = IsPrivateHostAllowed(endpoint.Host, endpoint.Port, _options.CurrentValue);
        var usable = addresses.Where(a => mayBePrivate || !IsPrivate(a)).ToArray();
        if (usable.Length == 0)
            throw new OutboundFetchException($"'{endpoint.Host}' resolves to a loopback, private or link-local address, which is refused (OutboundFetch:PrivateHosts).");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Loopback, RFC 1918, CGNAT, link-local (the cloud metadata address), unique-local, multicast, unspecified.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] < 128);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A fetched response: its body (idle and total timeouts enforced) and announced length.</summary>
public sealed class OutboundResponse(HttpResponseMessage response, Stream body, long? contentLength) : IAsyncDisposable
{
    public Stream Body { get; } = body;
    public long? ContentLength { get; } = contentLength;

    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync();
        response.Dispose();
    }
}

/// <summary>A read-only stream that fails a read waiting longer than the idle timeout, or past the total deadline.</summary>
internal sealed class IdleTimeoutStream(Stream inner, TimeSpan idle, CancellationTokenSource total) : Stream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token);
        wait.CancelAfter(idle);
        try
        {
            return await inner.ReadAsync(buffer, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OutboundFetchException(total.IsCancellationRequested
                ? "The download took longer than the total time allowed (OutboundFetch:TotalTimeout)."
                : $"The download stalled for more than {idle.TotalSeconds:0} s (OutboundFetch:IdleTimeout).");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            total.Dispose();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

public static class OutboundFetchRegistration
{
    public static IServiceCollection AddOutboundFetch(this IServiceCollection services)
    {
        services.AddOptions<OutboundFetchOptions>().BindConfiguration(OutboundFetchOptions.Section);
        services.AddSingleton<OutboundFetcher>();
        return services;
    }
}
