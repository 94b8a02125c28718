using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using HsmVault.PowerShell.Connection;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets;

/// <summary>Connect-HsmVault: picks the service and an Azure.Identity credential, as Connect-AzAccount does, and gets a first token.</summary>
[Cmdlet(VerbsCommunications.Connect, "HsmVault", DefaultParameterSetName = SecretSet)]
[OutputType(typeof(PSHsmVaultContext))]
public sealed class ConnectHsmVault : PSCmdlet
{
    private const string SecretSet = "ServicePrincipalSecret";
    private const string CertificateFileSet = "ServicePrincipalCertificateFile";
    private const string ThumbprintSet = "ServicePrincipalCertificateThumbprint";
    private const string IdentitySet = "ManagedIdentity";
    private const string DeviceCodeSet = "DeviceCode";
    private const string TokenSet = "AccessToken";

    [Parameter(Mandatory = true, Position = 0, HelpMessage = "The service's base URL, e.g. https://localhost:8443.")]
    public Uri ServiceUri { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    public SwitchParameter ServicePrincipal { get; set; }

    /// <summary>User name: the application (client) id; password: the client secret.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    public PSCredential Credential { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    public string ApplicationId { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    public string CertificatePath { get; set; } = null!;

    [Parameter(ParameterSetName = CertificateFileSet)]
    public SecureString? CertificatePassword { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    public string CertificateThumbprint { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public SwitchParameter Identity { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    public SwitchParameter UseDeviceAuthentication { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = TokenSet)]
    public SecureString AccessToken { get; set; } = null!;

    /// <summary>The client id of a user-assigned managed identity, or the account a token belongs to (display only).</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = TokenSet)]
    public string? AccountId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = TokenSet)]
    [Alias("TenantId")]
    public string Tenant { get; set; } = null!;

    /// <summary>The identity provider, e.g. https://login.microsoftonline.com; locally the service itself (its development identity provider).</summary>
    [Parameter]
    public Uri? AuthorityHost { get; set; }

    /// <summary>The token audience the service expects (the first of HsmVault__Auth__Audiences); by default the one its 401 challenge names.</summary>
    [Parameter]
    public string? Audience { get; set; }

    /// <summary>Trust this PEM certificate (e.g. the local vault's .local/data/tls-cert.pem) for the service and the identity provider.</summary>
    [Parameter]
    public string? CaCertificatePath { get; set; }

    /// <summary>The DNS suffix of vault hosts ({vault}.{suffix}); by default the service's host name.</summary>
    [Parameter]
    public string? VaultDnsSuffix { get; set; }

    protected override void ProcessRecord()
    {
        LocalTlsTrust? trust = null;
        if (CaCertificatePath is not null) trust = new LocalTlsTrust(GetUnresolvedProviderPathFromPSPath(CaCertificatePath));
        var http = VaultHttpClient.Create(trust);
        var messages = new BlockingCollection<string>();
        var (credential, type, account) = CreateCredential(http, messages);
        var suffix = VaultDnsSuffix ?? ServiceUri.Host;
        string audience;
        try
        {
            audience = Audience ?? (ParameterSetName == TokenSet ? "" : ChallengeAudience.DiscoverAsync(http, ServiceUri, CancellationToken.None).GetAwaiter().GetResult());
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            http.Dispose();
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Could not read the service's audience: {e.Message.Split('\n')[0]}"),
                "AudienceDiscoveryFailed", ErrorCategory.ConnectionError, ServiceUri));
            return;
        }
        var connection = new HsmVaultConnection(ServiceUri, suffix, credential, audience, http, type, account, Tenant);
        try
        {
            var token = RunShowingMessages(connection.Client.AcquireTokenAsync(CancellationToken.None), messages);
            var claims = TokenClaims(token.Token);
            var context = new PSHsmVaultContext(ServiceUri.ToString(), suffix, type,
                account ?? Wire.Text(claims?["appid"]) ?? Wire.Text(claims?["upn"]) ?? Wire.Text(claims?["oid"]),
                Tenant ?? Wire.Text(claims?["tid"]), token.ExpiresOn.UtcDateTime);
            HsmVaultConnection.Set(connection);
            WriteObject(context);
        }
        catch (Exception e) when (e is AuthenticationFailedException or CredentialUnavailableException or HttpRequestException)
        {
            connection.Dispose();
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Sign-in failed: {e.Message.Split('\n')[0]}"),
                "AuthenticationFailed", ErrorCategory.AuthenticationError, ServiceUri));
        }
    }

    private (TokenCredential Credential, string Type, string? Account) CreateCredential(HttpClient http, BlockingCollection<string> messages)
    {
        T Options<T>(T options) where T : TokenCredentialOptions
        {
            options.Transport = new HttpClientTransport(http);
            options.Retry.MaxRetries = 1;
            if (AuthorityHost is not null) options.AuthorityHost = AuthorityHost;
            return options;
        }
        // Instance discovery only knows Microsoft's clouds; another authority (the development provider) is used as given.
        var custom = AuthorityHost is not null && !AuthorityHost.Host.EndsWith(".microsoftonline.com", StringComparison.OrdinalIgnoreCase);
        switch (ParameterSetName)
        {
            case SecretSet:
                return (new ClientSecretCredential(Tenant, Credential.UserName, Plain(Credential.Password),
                    Options(new ClientSecretCredentialOptions { DisableInstanceDiscovery = custom })), "ClientSecret", Credential.UserName);
            case CertificateFileSet:
                var file = X509CertificateLoader.LoadPkcs12FromFile(GetUnresolvedProviderPathFromPSPath(CertificatePath),
                    CertificatePassword is null ? null : Plain(CertificatePassword));
                return (new ClientCertificateCredential(Tenant, ApplicationId, file,
                    Options(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = custom })), "ClientCertificate", ApplicationId);
            case ThumbprintSet:
                using (var store = new X509Store(StoreName.My, StoreLocation.CurrentUser))
                {
                    store.Open(OpenFlags.ReadOnly);
                    var found = store.Certificates.Find(X509FindType.FindByThumbprint, CertificateThumbprint, validOnly: false);
                    if (found.Count == 0) throw new PSArgumentException($"No certificate with thumbprint {CertificateThumbprint} in CurrentUser\\My.");
                    return (new ClientCertificateCredential(Tenant, ApplicationId, found[0],
                        Options(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = custom })), "ClientCertificate", ApplicationId);
                }
            case IdentitySet:
                var id = AccountId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(AccountId);
                return (new ManagedIdentityCredential(Options(new ManagedIdentityCredentialOptions(id))), "ManagedIdentity", AccountId);
            case DeviceCodeSet:
                return (new DeviceCodeCredential(Options(new DeviceCodeCredentialOptions
                {
                    TenantId = Tenant, ClientId = ApplicationId, DisableInstanceDiscovery = custom,
                    DeviceCodeCallback = (code, _) => { messages.Add(code.Message); return Task.CompletedTask; },
                })), "DeviceCode", null);
            default:
                var token = Plain(AccessToken);
                var expires = TokenClaims(token)?["exp"] is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp.GetValue<long>()) : DateTimeOffset.UtcNow.AddHours(1);
                return (new StaticTokenCredential(token, expires), "AccessToken", AccountId);
        }
    }

    /// <summary>Waits for the token on the pipeline thread, writing the device-code prompt (raised on another thread) as a warning.</summary>
    private T RunShowingMessages<T>(Task<T> task, BlockingCollection<string> messages)
    {
        while (!task.IsCompleted)
        {
            if (messages.TryTake(out var message, 200)) WriteWarning(message);
        }
        while (messages.TryTake(out var late)) WriteWarning(late);
        return task.GetAwaiter().GetResult();
    }

    private static string Plain(SecureString s) => new NetworkCredential("", s).Password;

    /// <summary>The token's claims, read without validation for display (the service validates it).</summary>
    private static JsonNode? TokenClaims(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) return null;
        try { return JsonNode.Parse(Base64Url.Decode(parts[1])); } catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { return null; }
    }
}

[Cmdlet(VerbsCommunications.Disconnect, "HsmVault")]
[OutputType(typeof(void))]
public sealed class DisconnectHsmVault : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (!HsmVaultConnection.Clear()) WriteVerbose("Not connected.");
    }
}

/// <summary>What Connect-HsmVault returns: where and as whom.</summary>
public sealed record PSHsmVaultContext(string ServiceUri, string VaultDnsSuffix, string CredentialType, string? Account, string? TenantId, DateTime TokenExpiresOn);
