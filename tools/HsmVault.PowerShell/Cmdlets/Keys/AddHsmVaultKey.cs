using System.Management.Automation;
using System.Security;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Keys;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Keys;

/// <summary>Add-HsmVaultKey: creates a key in the HSM, or imports one from a PFX, PEM, JWK or .byok file (Add-AzKeyVaultKey).</summary>
[Cmdlet(VerbsCommon.Add, "HsmVaultKey", SupportsShouldProcess = true, DefaultParameterSetName = CreateSet)]
[OutputType(typeof(PSHsmVaultKey))]
public sealed class AddHsmVaultKey : VaultObjectWriteCmdlet
{
    private const string CreateSet = "InteractiveCreate";
    private const string ImportSet = "InteractiveImport";

    [Parameter(Mandatory = true, Position = 1)]
    [Alias("KeyName")]
    public string Name { get; set; } = null!;

    /// <summary>Where the key lives: always the vault's HSM (HsmVault has no software keys).</summary>
    [Parameter(ParameterSetName = CreateSet)]
    [Parameter(ParameterSetName = ImportSet)]
    [ValidateSet("HSM")]
    public string Destination { get; set; } = "HSM";

    [Parameter(ParameterSetName = CreateSet)]
    [Parameter(ParameterSetName = ImportSet)]
    [ValidateSet("RSA", "EC", "oct")]
    public string KeyType { get; set; } = "RSA";

    [Parameter(ParameterSetName = CreateSet)]
    public int? Size { get; set; }

    [Parameter(ParameterSetName = CreateSet)]
    [ValidateSet("P-256", "P-384", "P-521", "P-256K")]
    public string? CurveName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ImportSet)]
    public string KeyFilePath { get; set; } = null!;

    [Parameter(ParameterSetName = ImportSet)]
    public SecureString? KeyFilePassword { get; set; }

    [Parameter]
    [ValidateSet("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", IgnoreCase = true)]
    public string[]? KeyOps { get; set; }

    [Parameter]
    public SwitchParameter Disable { get; set; }

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        var name = Uri.EscapeDataString(Name);
        JsonObject body;
        string path, action;
        HttpMethod method;
        if (ParameterSetName == ImportSet)
        {
            var jwk = KeyFiles.ReadJwk(GetUnresolvedProviderPathFromPSPath(KeyFilePath), KeyFilePassword, $"{KeyType}-HSM");
            if (KeyOps is not null) jwk["key_ops"] = Wire.Array(KeyOps);
            body = AttributesBody(Disable ? false : null);
            body["key"] = jwk;
            body["Hsm"] = true;
            (method, path, action) = (HttpMethod.Put, $"keys/{name}", $"Import key from {Path.GetFileName(KeyFilePath)}");
        }
        else
        {
            body = AttributesBody(Disable ? false : null);
            body["kty"] = $"{KeyType}-HSM";
            if (Size is { } size) body["key_size"] = size;
            if (KeyType == "EC") body["crv"] = CurveName ?? "P-256";
            if (KeyOps is not null) body["key_ops"] = Wire.Array(KeyOps);
            (method, path, action) = (HttpMethod.Post, $"keys/{name}/create", $"Create {KeyType} key");
        }
        if (!ShouldProcess($"{VaultName}/{Name}", action)) return;
        WriteObject(PSHsmVaultKey.FromBundle(VaultName, Data(VaultName, method, path, body)!));
    }
}
