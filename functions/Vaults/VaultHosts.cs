using Microsoft.Extensions.Options;

namespace HsmVault.Vaults;

/// <summary>Maps host names to vault names and vault names to their public base URIs (from which kids are built).</summary>
public sealed class VaultHosts(IOptions<VaultOptions> options)
{
    private readonly VaultOptions _options = options.Value;

    public string DefaultVault => _options.DefaultVault.ToLowerInvariant();

    public bool IsBareSuffix(string host) => host.Equals(_options.DnsSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The vault name a host addresses, or null when the host is not {valid-vault-name}.{suffix} or the bare suffix.</summary>
    public string? VaultNameFromHost(string host)
    {
        var suffix = _options.DnsSuffix;
        if (IsBareSuffix(host)) return DefaultVault;
        if (host.Length > suffix.Length + 1 && host.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase))
        {
            var label = host[..^(suffix.Length + 1)];
            return VaultNames.IsValid(label) ? label.ToLowerInvariant() : null;
        }
        return null;
    }

    public Uri BaseUriOf(string vaultName)
    {
        var host = vaultName.Equals(_options.DefaultVault, StringComparison.OrdinalIgnoreCase)
            ? _options.DnsSuffix
            : $"{vaultName}.{_options.DnsSuffix}";
        return new UriBuilder("https", host, _options.PublicPort == 443 ? -1 : _options.PublicPort).Uri;
    }
}
