using HsmVault.Hsm;

namespace HsmVault.Objects;

/// <summary>Which HSM token holds a vault's keys: the deployment's, or the customer's own one the vault is bound to.</summary>
public interface IVaultTokens
{
    /// <summary>The token of a vault as the request saw it (503 HsmUnavailable while a customer's token is cut off).</summary>
    IHsm For(Vault vault);
    /// <summary>The token of a live vault known only by name (sweeps, stores).</summary>
    IHsm For(string vault);
}

/// <summary>Every vault on one token (tests and tools without customer HSMs).</summary>
public sealed class OneToken(IHsm hsm) : IVaultTokens
{
    public IHsm For(Vault vault) => hsm;
    public IHsm For(string vault) => hsm;
}
