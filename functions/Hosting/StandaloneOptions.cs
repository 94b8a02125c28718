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

    public IEnumerable<string> Problems()
    {
        if (Port is < 1 or > 65535) yield return $"{Section}:Port must be between 1 and 65535; got {Port}.";
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return $"{Section}:DataDirectory is required (where the TLS certificate is kept).";
        foreach (var name in HostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (Uri.CheckHostName(name) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
                yield return $"{Section}:HostNames must be comma-separated host names; '{name}' is not one.";
    }
}
