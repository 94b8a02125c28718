namespace HsmVault.Hosting;

public sealed class StandaloneOptions
{
    public const string Section = "HsmVault:Standalone";
    /// <summary>HTTPS port on loopback.</summary>
    public int Port { get; set; } = 8443;
    /// <summary>Where the TLS certificate and the development identity provider's signing key are kept.</summary>
    public string DataDirectory { get; set; } = ".local/data";
    /// <summary>Extra host names the TLS certificate covers (comma-separated), besides the vault DNS suffix and loopback.</summary>
    public string HostNames { get; set; } = "localhost";
}
