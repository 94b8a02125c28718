using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace HsmVault.PowerShell.Connection;

/// <summary>The one HttpClient of a connection: optional trust of a local CA file, and "*.localhost" names on loopback.</summary>
public static class VaultHttpClient
{
    public static HttpClient Create(LocalTlsTrust? trust)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            ConnectCallback = ConnectAsync,
        };
        if (trust is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, cert, _, errors) =>
                trust.Validate(((SslStream)sender).TargetHostName, cert, errors);
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(100) };
    }

    // RFC 6761: names under "localhost." are loopback names; resolvers without that rule would fail on vault hosts
    // such as payments.localhost, so they are connected to "localhost" directly.
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var endpoint = context.DnsEndPoint;
        var host = endpoint.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ? "localhost" : endpoint.Host;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, endpoint.Port), cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
