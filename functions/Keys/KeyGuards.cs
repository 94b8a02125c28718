using HsmVault.Objects;

namespace HsmVault.Keys;

/// <summary>What Key Vault checks on a key before a cryptographic operation: enabled, nbf, exp and key_ops.</summary>
public static class KeyGuards
{
    public static void DemandUsable(KeyEntity key, string operation, DateTimeOffset now)
    {
        if (!key.Enabled)
            throw VaultException.Forbidden("KeyDisabled", $"Operation {operation} is not allowed on a disabled key.");
        if (key.NotBefore is { } nbf && now < nbf)
            throw VaultException.Forbidden("KeyNotYetValid", $"Operation {operation} is not allowed before the key's activation time (nbf).");
        if (key.Expires is { } exp && now >= exp)
            throw VaultException.Forbidden("KeyExpired", $"Operation {operation} is not allowed on an expired key (exp).");
        if (!key.KeyOps.Split(',').Contains(operation))
            throw VaultException.Forbidden("KeyOperationForbidden", $"Operation {operation} is not permitted by this key's key_ops.");
    }
}
