using System.Net;
using System.Net.Sockets;

namespace Platform.Tests;

/// <summary>
/// Ports for test hosts on 127.0.0.1. They come from below the kernel's ephemeral range (32768–60999 on Linux), where
/// the outgoing connections of this and of parallel test processes take theirs: a port found free there stays free
/// until the host binds it. A port is handed out once per process.
/// </summary>
public static class LoopbackPorts
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Free()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            lock (HandedOut)
            {
                if (HandedOut.Contains(port) || !IsFree(port)) continue;
                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException("No free loopback port between 20000 and 32000.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
