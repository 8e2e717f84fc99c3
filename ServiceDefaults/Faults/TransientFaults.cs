using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.Data.Sqlite;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Platform.ServiceDefaults.Faults;

/// <summary>
/// Tells an outage of something this service depends on (its database, the broker, another service) from a fault of
/// the work itself. The first is worth waiting for (long retries, a 503 with Retry-After); the second is not.
/// </summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception exception) => Causes(exception).Any(IsTransientItself);

    private static bool IsTransientItself(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        // 5 = SQLITE_BUSY, 6 = SQLITE_LOCKED: another writer holds the file.
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6,
        // Without a status: an outage only when the connection failed. A request refused before it was sent (an
        // address that is not the platform's own) fails the same way every time: waiting it out would only hold a
        // runner slot for ten minutes.
        HttpRequestException { StatusCode: null } http => http.HttpRequestError is HttpRequestError.ConnectionError
            or HttpRequestError.NameResolutionError or HttpRequestError.ResponseEnded or HttpRequestError.ProxyTunnelError,
        HttpRequestException http => http.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway
            or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests,
        BrokenCircuitException or TimeoutRejectedException => true,
        SocketException or TimeoutException => true,
        MassTransitException when exception.GetType().Name.Contains("Connection", StringComparison.Ordinal) => true,
        _ => false,
    };

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            else if (current.InnerException is not null)
                pending.Push(current.InnerException);
        }
    }
}
