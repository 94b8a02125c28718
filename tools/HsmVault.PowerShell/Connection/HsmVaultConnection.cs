using Azure.Core;
using HsmVault.PowerShell.Http;

namespace HsmVault.PowerShell.Connection;

/// <summary>
/// What Connect-HsmVault set up: the service, the credential and the HTTP client. One per process, as Az's context is;
/// Disconnect-HsmVault clears it.
/// </summary>
public sealed class HsmVaultConnection : IDisposable
{
    public static HsmVaultConnection? Current { get; private set; }

    public HsmVaultConnection(Uri serviceUri, string vaultDnsSuffix, TokenCredential credential, string audience,
        HttpClient http, string credentialType, string? account, string? tenantId)
    {
        ServiceUri = serviceUri;
        VaultDnsSuffix = vaultDnsSuffix;
        CredentialType = credentialType;
        Account = account;
        TenantId = tenantId;
        Client = new VaultClient(http, credential, [audience.TrimEnd('/') + "/.default"], tenantId);
    }

    public Uri ServiceUri { get; }
    public string VaultDnsSuffix { get; }
    public string CredentialType { get; }
    public string? Account { get; }
    public string? TenantId { get; }
    public VaultClient Client { get; }

    /// <summary>A vault's own host: https://{vault}.{suffix}[:port], as the service builds vaultUri.</summary>
    public Uri VaultUri(string vaultName) =>
        new UriBuilder("https", $"{vaultName.ToLowerInvariant()}.{VaultDnsSuffix}", ServiceUri.IsDefaultPort ? -1 : ServiceUri.Port).Uri;

    public static void Set(HsmVaultConnection connection)
    {
        var old = Current;
        Current = connection;
        old?.Dispose();
    }

    public static bool Clear()
    {
        var old = Current;
        Current = null;
        old?.Dispose();
        return old is not null;
    }

    public void Dispose() => Client.Dispose();
}
