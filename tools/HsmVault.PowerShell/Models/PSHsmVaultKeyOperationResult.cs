namespace HsmVault.PowerShell.Models;

/// <summary>The answer of a key operation (Az.KeyVault's PSKeyOperationResult): the key version that did it and the bytes.</summary>
public sealed class PSHsmVaultKeyOperationResult
{
    public string KeyId { get; init; } = "";
    public byte[] RawResult { get; init; } = [];
    public string Algorithm { get; init; } = "";
}
