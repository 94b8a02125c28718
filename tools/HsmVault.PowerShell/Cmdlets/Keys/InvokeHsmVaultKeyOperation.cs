using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Keys;

/// <summary>
/// Invoke-HsmVaultKeyOperation: encrypts, decrypts, wraps or unwraps bytes with a key in the HSM (Invoke-AzKeyVaultKeyOperation).
/// Without -Version the key's current version does it (looked up first, so the result names the version that was used).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "HsmVaultKeyOperation", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultKeyOperationResult))]
public sealed class InvokeHsmVaultKeyOperation : VaultDataCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("KeyVersion")]
    public string? Version { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateSet("Encrypt", "Decrypt", "Wrap", "Unwrap", IgnoreCase = true)]
    public string Operation { get; set; } = null!;

    /// <summary>RSA-OAEP, RSA-OAEP-256, RSA1_5 (RSA keys); A128KW/A256KW, A256GCM… (oct keys).</summary>
    [Parameter(Mandatory = true)]
    public string Algorithm { get; set; } = null!;

    [Parameter(Mandatory = true)]
    public byte[] ByteArrayValue { get; set; } = null!;

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        var route = Operation.ToLowerInvariant() switch { "wrap" => "wrapkey", "unwrap" => "unwrapkey", var op => op };
        var name = Uri.EscapeDataString(Name);
        var version = string.IsNullOrEmpty(Version) ? CurrentVersion(name) : Version;
        if (!ShouldProcess($"{VaultName}/{Name}/{version}", $"{Operation} {ByteArrayValue.Length} bytes with {Algorithm}")) return;
        var body = new JsonObject { ["alg"] = Algorithm, ["value"] = Base64Url.Encode(ByteArrayValue) };
        var answer = Data(VaultName, HttpMethod.Post, $"keys/{name}/{Uri.EscapeDataString(version)}/{route}", body)!;
        WriteObject(new PSHsmVaultKeyOperationResult
        {
            KeyId = Wire.Text(answer["kid"]) ?? "", RawResult = Base64Url.Decode(Wire.Text(answer["value"]) ?? ""), Algorithm = Algorithm,
        });
    }

    private string CurrentVersion(string escapedName) =>
        Wire.NameAndVersion(Data(VaultName, HttpMethod.Get, $"keys/{escapedName}")!["key"]!["kid"]!.GetValue<string>()).Version!;
}
