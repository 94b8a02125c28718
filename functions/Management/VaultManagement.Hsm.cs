using System.Net;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using HsmVault.Objects;
using HsmVault.Vaults;

namespace HsmVault.Management;

// properties.hsm: binding a vault to a customer's own PKCS#11 module and token. The PIN never comes through here: the
// binding names the app setting that holds it (HsmVault__HsmPins__{pinReference}).
public sealed partial class VaultManagement
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z")]
    private static partial Regex PinReferencePattern();

    /// <summary>A binding whose module is on the operator's allowlist and whose PIN reference names a configured setting; else 400.</summary>
    private HsmBinding Validate(HsmBindingWire wire)
    {
        var module = wire.ModulePath is { Length: > 0 } m ? m : throw VaultException.BadParameter("properties.hsm.modulePath is required.");
        if (!hsms.IsAllowedModule(module))
            throw VaultException.BadParameter(
                "properties.hsm.modulePath is not one of this deployment's allowed PKCS#11 modules (HsmVault__CustomerHsm__AllowedModules).");
        if (string.IsNullOrEmpty(wire.TokenLabel) == string.IsNullOrEmpty(wire.TokenSerial))
            throw VaultException.BadParameter("properties.hsm needs either tokenLabel or tokenSerial.");
        if ((wire.TokenLabel ?? wire.TokenSerial)!.Length > 32)
            throw VaultException.BadParameter("properties.hsm.tokenLabel or tokenSerial is at most 32 characters (PKCS#11 token info).");
        var reference = wire.PinReference is { Length: > 0 } r
            ? r
            : throw VaultException.BadParameter("properties.hsm.pinReference is required: the name of the app setting HsmVault__HsmPins__{name} holding the PIN.");
        // Never echo a value that may be a PIN typed in the wrong field.
        if (!PinReferencePattern().IsMatch(reference) || !hsms.PinReferenceExists(reference))
            throw VaultException.BadParameter(
                "properties.hsm.pinReference must name a configured app setting HsmVault__HsmPins__{name} (1-64 letters, digits, '-' or '_'); it is never the PIN itself.");
        return new HsmBinding(module, NullIfEmpty(wire.TokenLabel), NullIfEmpty(wire.TokenSerial), reference);
    }

    /// <summary>
    /// The binding asked for on an existing vault, or null when none is asked for or it does not change. Which HSM a vault
    /// uses cannot change while the vault holds keys, secrets or its secret-sealing key: they live on the old token (409).
    /// </summary>
    private async Task<HsmBinding?> RebindAsync(VaultEntity existing, HsmBindingWire? wire, CancellationToken ct)
    {
        if (wire is null) return null;
        var binding = Validate(wire);
        if (binding == existing.Binding()) return null;
        if (await HoldsObjectsAsync(existing.PartitionKey, ct))
            throw new VaultException(HttpStatusCode.Conflict, "Conflict",
                $"Vault '{existing.Name}' holds keys or secrets in its HSM: which HSM it uses cannot change while it does.");
        return binding;
    }

    private async Task<bool> HoldsObjectsAsync(string vault, CancellationToken ct)
    {
        foreach (var table in new[] { tables.Keys, tables.Secrets, tables.VaultKeys })
            await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {vault}"), maxPerPage: 1,
                               select: ["RowKey"], cancellationToken: ct))
                return true;
        return false;
    }

    /// <summary>
    /// Writes the vault's HSM: a new binding, or else what hsmTokenLabel says. A bound vault's hsmTokenLabel is its token's
    /// label; naming another one is a 400, as for the deployment's token.
    /// </summary>
    private void SetHsm(VaultEntity row, HsmBinding? binding, string? tokenLabel)
    {
        if (binding is not null)
        {
            if (!string.IsNullOrEmpty(tokenLabel) && tokenLabel != binding.TokenLabel)
                throw VaultException.BadParameter("hsmTokenLabel must be properties.hsm.tokenLabel (or absent) for a vault bound to its own HSM.");
            row.HsmModulePath = binding.ModulePath;
            row.HsmTokenLabel = binding.TokenLabel ?? "";
            row.HsmTokenSerial = binding.TokenSerial ?? "";
            row.HsmPinReference = binding.PinReference;
            return;
        }
        if (row.Binding() is { } bound)
        {
            if (!string.IsNullOrEmpty(tokenLabel) && tokenLabel != bound.TokenLabel)
                throw VaultException.BadParameter("hsmTokenLabel cannot change on a vault bound to its own HSM: change properties.hsm.");
            return;
        }
        row.HsmTokenLabel = TokenLabel(tokenLabel);
    }

    private static HsmBindingWire? Wire(HsmBinding? b) => b is null ? null : new(b.ModulePath, b.TokenLabel, b.TokenSerial, b.PinReference);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
